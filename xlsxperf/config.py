"""Configuration: the scoring profile (评分口径), thresholds, and which rules run how loudly.

A profile is a TOML file shipped in ``xlsxperf/profiles`` (``national``, ``sichuan``) or a
path. A user's ``xlsxperf.toml`` (found in the working directory, or given with ``--config``)
picks a profile and overrides any of its values::

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

import hashlib
import json
import tomllib
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .common_indicators import Scheme, parse_scheme
from .model import Severity
from .schema import LEVEL1

CONFIG_NAME = "xlsxperf.toml"
PROFILES = ("national", "sichuan")


class ConfigError(ValueError):
    """A configuration that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Thresholds:
    reason_below_pct: Decimal = Decimal(90)
    target_too_low_pct: Decimal = Decimal(120)
    score_gap_pct: Decimal = Decimal(5)
    score_tolerance: Decimal = Decimal("0.01")
    unit_suspect_factor: Decimal = Decimal(1000)
    unit_suspect_abs: Decimal = Decimal(1000000)


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
    name: str
    title: str
    budget_weight: Decimal
    total_weight: Decimal
    level1_weights: dict[str, Decimal]  # empty: split freely
    require_satisfaction: bool
    fixed_level1_weights: bool


@dataclass(frozen=True)
class Config:
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


def load_profile(name_or_path: str, base: Path | None = None, where: str = "profile"
                 ) -> tuple[Profile, dict[str, Any]]:
    """A shipped profile by name, or a profile TOML by path (relative to ``base``)."""
    if name_or_path in PROFILES:
        text = resources.files("xlsxperf").joinpath("profiles", f"{name_or_path}.toml").read_text(
            encoding="utf-8")
        data, where = _toml(None, text), f"profile {name_or_path}"
    else:
        path = Path(name_or_path)
        if base is not None and not path.is_absolute():
            path = base / path
        if not path.is_file():
            raise ConfigError(f"{where}: 未知的评分口径 {name_or_path}：可用 {', '.join(PROFILES)} 或一个 TOML 文件路径"
                              f"（unknown profile {name_or_path!r})")
        data, where = _toml(path), str(path)
    _check_keys(data, {"name", "title", "weights", "structure", "thresholds", "grades",
                       "common_indicators"}, where, "")
    w = data.get("weights", {})
    _check_keys(w, {"budget", "total", *LEVEL1}, where, "weights")
    s = data.get("structure", {})
    _check_keys(s, {"require_satisfaction", "fixed_level1_weights"}, where, "structure")
    profile = Profile(
        name=str(data.get("name", name_or_path)),
        title=str(data.get("title", name_or_path)),
        budget_weight=_dec(w.get("budget", 10), where, "weights.budget"),
        total_weight=_dec(w.get("total", 100), where, "weights.total"),
        level1_weights={k: _dec(w[k], where, f"weights.{k}") for k in LEVEL1 if k in w},
        require_satisfaction=bool(s.get("require_satisfaction", True)),
        fixed_level1_weights=bool(s.get("fixed_level1_weights", False)),
    )
    return profile, data


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
    return build_config(_toml(source) if source else {}, source, codes)


def default_config() -> Config:
    """The shipped defaults: profile ``national``, every rule on."""
    return build_config({}, None, ())


def build_config(user: dict[str, Any], source: Path | None, codes: Collection[str]) -> Config:
    """A Config from the parsed user TOML ``user`` (from ``source``, for messages); rule codes
    in it must be among ``codes``."""
    where = str(source) if source else "defaults"
    _check_keys(user, {"profile", "thresholds", "grades", "rules", "limits", "common_indicators",
                       "review"}, where, "")

    profile, pdata = load_profile(str(user.get("profile", "national")),
                                  source.parent if source else None, where)
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
