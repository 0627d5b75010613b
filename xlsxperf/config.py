"""Configuration: the scoring profile (评分口径), thresholds, and which rules run how loudly.

A profile is one TOML file: the weights, the required 一级 levels, the 定性 bands, the grade
floors, the thresholds and the text-length limits of one province's forms. It is named by its
file name and looked up, first match wins, in ``profiles/`` next to the user's ``xlsxperf.toml``
(or in the working directory when there is none), in the folders listed in
``$XLSXPERF_PROFILES``, in the user's own folder (:func:`user_profiles_dir`), and last among the
profiles shipped in ``xlsxperf/profiles`` (``national``, ``sichuan``); a path to a TOML file
works too. Adding a province is dropping one file, no code change. A user's ``xlsxperf.toml``
(found in the working directory, or given with ``--config``) picks a profile and overrides any
of its values::

    profile = "sichuan"

    [thresholds]
    reason_below_pct = 85

    [grades]
    "优" = 92

    [rules]
    ignore = ["C", "F005"]        # codes or prefixes
    [rules.severity]
    P005 = "info"

    [review]                      # 审核结论 from the findings
    return_errors = 1

Any key the tool does not know is a usage error, so a typo never silently does nothing. Rule
codes are checked against the catalogue the caller passes in (``codes``): this module sits
below the rules and never imports them; :func:`xlsxperf.load_config` passes the catalogue.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import schema as S
from .common_indicators import Scheme, parse_scheme
from .model import Severity
from .schema import LEVEL1, QUALITATIVE_LEVELS
from .scoring import Bands, bands_from_floors

CONFIG_NAME = "xlsxperf.toml"
PROFILES = ("national", "sichuan")  # shipped with the package
PROFILES_DIR = "profiles"  # a folder of profile files next to xlsxperf.toml
PROFILES_ENV = "XLSXPERF_PROFILES"  # more folders, separated by os.pathsep
_NAME = re.compile(r"^[^/\\:]+$")  # a profile name: a file name without .toml


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Thresholds:
    """The thresholds the rules compare against (percent where named so)."""

    reason_below_pct: Decimal = Decimal(90)
    target_too_low_pct: Decimal = Decimal(120)
    score_gap_pct: Decimal = Decimal(5)
    score_tolerance: Decimal = Decimal("0.01")
    unit_suspect_factor: Decimal = Decimal(1000)
    unit_suspect_abs: Decimal = Decimal(1000000)
    adjust_reason_pct: Decimal = Decimal(10)  # R005: a change beyond this share needs a reason


@dataclass(frozen=True)
class Limits:
    """Safety limits for untrusted files (S005)."""

    max_file_mb: Decimal = Decimal(50)
    max_entries: int = 10000
    max_uncompressed_mb: Decimal = Decimal(300)
    max_ratio: Decimal = Decimal(200)
    max_rows: int = 100000
    timeout_s: Decimal = Decimal(60)
    memory_mb: int = 1024


DEFAULT_QUALITATIVE = ((QUALITATIVE_LEVELS[0], Decimal(80)), (QUALITATIVE_LEVELS[1], Decimal(60)))


@dataclass(frozen=True)
class Review:
    """How the findings decide the 审核结论 (退回修改 / 修改后通过 / 通过).

    退回修改 when the errors reach ``return_errors``, or the warnings reach ``return_warnings``,
    or any finding's code starts with one of ``return_codes`` (0 and () switch a test off);
    修改后通过 when there is any error, or the warnings reach ``revise_warnings``; else 通过.
    """

    return_errors: int = 1
    return_warnings: int = 0
    revise_warnings: int = 1
    return_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """A scoring profile (评分口径): weights, structure, levels, lengths."""

    name: str
    title: str
    budget_weight: Decimal
    total_weight: Decimal
    level1_weights: dict[str, Decimal]  # empty: split freely
    require_satisfaction: bool
    fixed_level1_weights: bool
    required_level1: tuple[str, ...] = (S.OUTPUT, S.BENEFIT)  # missing one is an error (P006)
    # 定性 bands: the lower bound of 达成 and 部分达成, percent of the weight (P003, scores)
    qualitative: tuple[tuple[str, Decimal], ...] = DEFAULT_QUALITATIVE
    lengths: tuple[tuple[str, int], ...] = ()  # text key -> most characters (F012)
    source: str = ""  # the profile file; "" for a shipped one

    @property
    def bands(self) -> Bands:
        floors = dict(self.qualitative)
        return bands_from_floors(floors[QUALITATIVE_LEVELS[0]], floors[QUALITATIVE_LEVELS[1]])

    def weight_of(self, level1: str) -> str:
        """The 一级 whose weight in this profile ``level1``'s indicators count toward: 成本指标
        counts as 产出指标 when the profile gives 成本 no weight of its own (the 2020 forms)."""
        if level1 == S.COST and S.COST not in self.level1_weights:
            return S.OUTPUT
        return level1


@dataclass(frozen=True)
class Config:
    """Everything that changes results: the profile and the user's settings."""

    profile: Profile
    thresholds: Thresholds = field(default_factory=Thresholds)
    grades: tuple[tuple[str, Decimal], ...] = (("优", Decimal(90)), ("良", Decimal(80)),
                                               ("中", Decimal(60)))
    severity: dict[str, Severity] = field(default_factory=dict)
    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    review: Review = field(default_factory=Review)
    source: str | None = None  # the file it came from
    common_indicators: Scheme | None = None  # reference bands of the common indicators (复核参考)

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(p) for p in self.select):
            return False
        return not any(code.startswith(p) for p in self.ignore)

    def digest(self) -> str:
        """A stable fingerprint of everything that changes results (batch state)."""
        data = asdict(self)
        data.pop("source")
        data["profile"].pop("source")  # where the file sits does not change results
        import hashlib  # for batch state only: kept off the start-up path
        import json

        text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------


def _toml(path: Path | None, text: str | None = None) -> dict[str, Any]:
    where = str(path) if path else "profile"
    try:
        if text is None:
            text = Path(path).read_text(encoding="utf-8")  # type: ignore[arg-type]
        return tomllib.loads(text, parse_float=Decimal)
    except OSError as e:
        raise ConfigError(f"配置文件 {where} 无法读取：{e.strerror}（cannot read {where}）") from None
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {where} 不是 UTF-8 文本（{where} is not UTF-8 text）") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"配置文件 {where} 格式错误：{e}（invalid TOML in {where}）") from None


def _dec(value: Any, where: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ConfigError(f"{where}: {key} 应为数字，实际为 {value!r}（{key} must be a number）")
    return Decimal(value)


def _check_keys(table: dict[str, Any], allowed: set[str], where: str, section: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"{where}: [{section}] 中有未知的键 {', '.join(unknown)}（unknown keys；"
                          f"可用：{', '.join(sorted(allowed))}）")


def user_profiles_dir() -> Path:
    """The user's own profile folder: ``%APPDATA%\\xlsxperf\\profiles`` on Windows, else
    ``$XDG_CONFIG_HOME/xlsxperf/profiles`` (``~/.config/xlsxperf/profiles``)."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "xlsxperf" / PROFILES_DIR
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "xlsxperf" / PROFILES_DIR


def profile_dirs(base: Path | None) -> list[Path]:
    """The folders a profile name is looked up in, in order (the shipped ones come last)."""
    dirs = [base / PROFILES_DIR] if base is not None else []
    dirs += [Path(p) for p in os.environ.get(PROFILES_ENV, "").split(os.pathsep) if p.strip()]
    dirs.append(user_profiles_dir())
    return dirs


def available_profiles(base: Path | None = None) -> list[str]:
    """Every profile name that can be used from ``base`` (a config file's folder)."""
    names = set(PROFILES)
    for d in profile_dirs(base):
        if d.is_dir():
            names.update(p.stem for p in d.glob("*.toml"))
    return sorted(names)


def find_profile(name_or_path: str, base: Path | None, search: bool = True) -> Path | None:
    """The file of a profile named ``name_or_path`` (None: a shipped one), or the path given."""
    if search and _NAME.match(name_or_path) and not name_or_path.endswith(".toml"):
        for d in profile_dirs(base):
            candidate = d / f"{name_or_path}.toml"
            if candidate.is_file():
                return candidate
    if name_or_path in PROFILES:
        return None
    path = Path(name_or_path)
    if base is not None and not path.is_absolute():
        path = base / path
    return path


def _shipped(name: str) -> str:
    """The text of a profile shipped in the package (read as a file when the package is files,
    as it is once installed: importlib.resources costs milliseconds at every start)."""
    try:
        return (Path(__file__).parent / "profiles" / f"{name}.toml").read_text(encoding="utf-8")
    except OSError:
        from importlib import resources

        return resources.files("xlsxperf").joinpath("profiles", f"{name}.toml").read_text(encoding="utf-8")


def load_profile(name_or_path: str, base: Path | None = None, where: str = "profile",
                 search: bool = True) -> tuple[Profile, dict[str, Any]]:
    """A profile by name (see :func:`profile_dirs`; ``search`` False: shipped ones only), or a
    profile TOML by path (relative to ``base``)."""
    path = find_profile(name_or_path, base, search)
    if path is None:
        data, where = _toml(None, _shipped(name_or_path)), f"profile {name_or_path}"
    else:
        if not path.is_file():
            known = ", ".join(available_profiles(base if search else None))
            raise ConfigError(f"{where}: 未知的评分口径 {name_or_path}：可用 {known}，或一个 TOML 文件路径；"
                              f"省级口径文件放在 {PROFILES_DIR}/ 文件夹中（unknown profile "
                              f"{name_or_path!r})")
        data, where = _toml(path), str(path)
    _check_keys(data, {"name", "title", "weights", "structure", "thresholds", "grades",
                       "common_indicators", "qualitative", "lengths"}, where, "")
    w = data.get("weights", {})
    _check_keys(w, {"budget", "total", *LEVEL1}, where, "weights")
    s = data.get("structure", {})
    _check_keys(s, {"require_satisfaction", "fixed_level1_weights", "required"}, where, "structure")
    required = s.get("required", [S.OUTPUT, S.BENEFIT])
    if not isinstance(required, list) or any(r not in LEVEL1 for r in required):
        raise ConfigError(f"{where}: structure.required 应为一级指标列表，可用 {', '.join(LEVEL1)}"
                          f"（structure.required must list 一级 levels）")
    profile = Profile(
        name=str(data.get("name", Path(name_or_path).stem)),
        title=str(data.get("title", name_or_path)),
        budget_weight=_dec(w.get("budget", 10), where, "weights.budget"),
        total_weight=_dec(w.get("total", 100), where, "weights.total"),
        level1_weights={k: _dec(w[k], where, f"weights.{k}") for k in LEVEL1 if k in w},
        require_satisfaction=bool(s.get("require_satisfaction", True)),
        fixed_level1_weights=bool(s.get("fixed_level1_weights", False)),
        required_level1=tuple(required),
        qualitative=_qualitative(data.get("qualitative", {}), where),
        lengths=_lengths(data.get("lengths", {}), where),
        source=str(path) if path is not None else "",
    )
    return profile, data


def _qualitative(table: dict[str, Any], where: str) -> tuple[tuple[str, Decimal], ...]:
    """[qualitative]: the lower bounds of 达成 and 部分达成 (未达成 starts at 0), in percent."""
    met, partly, unmet = QUALITATIVE_LEVELS
    _check_keys(table, {met, partly, unmet}, where, "qualitative")
    floors = {**dict(DEFAULT_QUALITATIVE), **{k: _dec(v, where, f"qualitative.{k}")
                                               for k, v in table.items()}}
    if floors.pop(unmet, Decimal(0)) != 0 or not 100 >= floors[met] > floors[partly] > 0:
        raise ConfigError(f"{where}: [qualitative] 应满足 100 ≥ {met} > {partly} > {unmet} = 0"
                          f"（the bands' lower bounds, percent of the weight, must decrease）")
    return ((met, floors[met]), (partly, floors[partly]))


def length_keys() -> dict[str, str]:
    """The text fields and columns a length limit may be set on: key -> label."""
    out = {name: f.label for name, f in S.FIELDS.items()
           if f.kind in (S.Kind.TEXT, S.Kind.LONGTEXT)}
    for table in S.TABLES:
        out.update({f"{table.key}.{c.key}": f"{table.sheet}·{c.label}" for c in table.columns
                    if c.kind in (S.Kind.TEXT, S.Kind.LONGTEXT)})
    return out


def _lengths(table: dict[str, Any], where: str) -> tuple[tuple[str, int], ...]:
    _check_keys(table, set(length_keys()), where, "lengths")
    out = []
    for key, value in table.items():
        d = _dec(value, where, f"lengths.{key}")
        if d <= 0 or d != d.to_integral_value():
            raise ConfigError(f"{where}: lengths.{key} 应为正整数（must be a positive integer）")
        out.append((key, int(d)))
    return tuple(out)


def _apply(data: dict[str, Any], where: str, cfg: dict[str, Any]) -> None:
    """Merge the overridable sections of ``data`` into the keyword arguments ``cfg``."""
    if "thresholds" in data:
        names = set(Thresholds.__dataclass_fields__)
        _check_keys(data["thresholds"], names, where, "thresholds")
        cfg["thresholds"] = {**cfg.get("thresholds", {}),
                             **{k: _dec(v, where, f"thresholds.{k}")
                                for k, v in data["thresholds"].items()}}
    if "grades" in data:
        _check_keys(data["grades"], {"优", "良", "中"}, where, "grades")
        grades = {**dict(cfg.get("grades", ())), **{k: _dec(v, where, f"grades.{k}")
                                                     for k, v in data["grades"].items()}}
        ordered = tuple(sorted(grades.items(), key=lambda kv: -kv[1]))
        if [g for g, _ in ordered] != [g for g in ("优", "良", "中") if g in grades]:
            raise ConfigError(f"{where}: [grades] 的下限应满足 优 > 良 > 中（grade floors must decrease）")
        cfg["grades"] = ordered
    if "limits" in data:
        _check_keys(data["limits"], set(Limits.__dataclass_fields__), where, "limits")
        limits = {}
        for k, v in data["limits"].items():
            d = _dec(v, where, f"limits.{k}")
            if d <= 0:
                raise ConfigError(f"{where}: limits.{k} 应大于 0（must be positive）")
            limits[k] = int(d) if Limits.__dataclass_fields__[k].type == "int" else d
        cfg["limits"] = {**cfg.get("limits", {}), **limits}


def _review(table: Any, where: str, codes: Any) -> Review:
    """The [review] section: counts are whole numbers ≥ 0, codes are rule codes or prefixes."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [review] 应为一个表（[review] must be a table）")
    _check_keys(table, set(Review.__dataclass_fields__), where, "review")
    counts: dict[str, Any] = {}
    for key in ("return_errors", "return_warnings", "revise_warnings"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{where}: review.{key} 应为不小于 0 的整数，实际为 {value!r}"
                                  f"（{key} must be a whole number ≥ 0）")
            counts[key] = value
    items = table.get("return_codes", [])
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ConfigError(f"{where}: review.return_codes 应为规则代码列表，如 [\"P002\", \"C004\"]")
    for item in items:
        if not any(c.startswith(item.upper()) for c in codes):
            raise ConfigError(f"{where}: review.return_codes 中的 {item} 不是规则代码或前缀（unknown rule）")
    return Review(**counts, return_codes=tuple(i.upper() for i in items))


def load_config(path: str | Path | None = None, cwd: Path | None = None, *,
                codes: Collection[str]) -> Config:
    """The configuration from ``path``, else ``xlsxperf.toml`` in ``cwd``, else the defaults.

    ``codes`` is the rule catalogue the ``[rules]`` section is checked against."""
    source: Path | None = None
    if path is not None:
        source = Path(path)
        if not source.is_file():
            raise ConfigError(f"配置文件 {source} 不存在（config file not found）")
    else:
        candidate = (cwd or Path.cwd()) / CONFIG_NAME
        source = candidate if candidate.is_file() else None
    return build_config(_toml(source) if source else {}, source, codes,
                        base=source.parent if source else (cwd or Path.cwd()))


def default_config() -> Config:
    """The shipped defaults: profile ``national``, every rule on."""
    return build_config({}, None, (), search=False)


def build_config(user: dict[str, Any], source: Path | None, codes: Collection[str], *,
                 base: Path | None = None, search: bool = True) -> Config:
    """A Config from the parsed user TOML ``user`` (from ``source``, for messages); rule codes
    in it must be among ``codes``. A profile name is looked up from ``base`` (default: the
    folder of ``source``); ``search`` False takes the shipped profiles only."""
    where = str(source) if source else "defaults"
    _check_keys(user, {"profile", "thresholds", "grades", "rules", "limits", "common_indicators",
                       "review"}, where, "")

    if base is None and source is not None:
        base = source.parent
    profile, pdata = load_profile(str(user.get("profile", "national")), base, where, search)
    kwargs: dict[str, Any] = {}
    _apply(pdata, f"profile {profile.name}", kwargs)
    _apply(user, where, kwargs)

    rules = user.get("rules", {})
    _check_keys(rules, {"select", "ignore", "severity"}, where, "rules")

    def prefixes(key: str) -> tuple[str, ...]:
        items = rules.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise ConfigError(f"{where}: rules.{key} 应为规则代码列表，如 [\"C\", \"F005\"]")
        for item in items:
            if not any(c.startswith(item.upper()) for c in codes):
                raise ConfigError(f"{where}: rules.{key} 中的 {item} 不是规则代码或前缀（unknown rule）")
        return tuple(i.upper() for i in items)

    severity = {}
    for code, level in rules.get("severity", {}).items():
        if code.upper() not in codes:
            raise ConfigError(f"{where}: rules.severity 中的 {code} 不是规则代码（unknown rule code）")
        try:
            severity[code.upper()] = Severity(str(level).lower())
        except ValueError:
            raise ConfigError(f"{where}: rules.severity.{code} 应为 error / warning / info") from None

    return Config(
        profile=profile,
        thresholds=Thresholds(**kwargs.get("thresholds", {})),
        grades=kwargs.get("grades", Config.__dataclass_fields__["grades"].default),
        severity=severity,
        select=prefixes("select"),
        ignore=prefixes("ignore"),
        limits=Limits(**kwargs.get("limits", {})),
        review=_review(user.get("review", {}), where, codes),
        source=str(source) if source else None,
        common_indicators=_common_indicators(user, pdata, where, profile.name),
    )


def _common_indicators(user: dict[str, Any], pdata: dict[str, Any], where: str,
                       profile: str) -> Scheme | None:
    """The user's ``[common_indicators]``, else the profile's; None when neither has one."""
    data, at = (user, where) if "common_indicators" in user else (pdata, f"profile {profile}")
    if "common_indicators" not in data:
        return None
    try:
        return parse_scheme(data["common_indicators"], at)
    except ValueError as e:
        raise ConfigError(str(e)) from None
