"""Re-render the README's pictures from the current outputs: LibreOffice prints the samples'
evaluation, the summary and an annotated copy to PDF, pdftoppm makes the pages PNGs.

    python docs/render.py            # writes docs/*.png, prints what each PDF measures

Needs LibreOffice (soffice), poppler-utils (pdftoppm, pdftotext) and a CJK font.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from pdftext import Page, measure, read_pdf  # noqa: E402

from xlsxperf.evaluation import evaluate  # noqa: E402
from xlsxperf.render import file_document  # noqa: E402
from xlsxperf.report import annotate, output_name, write_evaluation  # noqa: E402
from xlsxperf.report.summary import write_summary  # noqa: E402

SAMPLES = ROOT / "samples"
SEED = SAMPLES / "2022_市中区经济合作局.xlsx"
MESSY = SAMPLES / "2022_messy_example.xlsx"
CLEAN = SAMPLES / "2022_clean_example.xlsx"
DPI = 90

# picture name: (output key, the words that find its page: the first page whose header line
# ends with them, which is the sheet's name, else the first page that holds them; the share of
# the page's height to keep, from the top)
PICTURES = {
    "evaluation-overview": ("seed", "评价总览", 1.0),
    "evaluation-charts": ("seed", "附录一", 0.75),
    "evaluation-findings": ("messy", "问题清单", 1.0),
    "summary": ("summary", "汇总", 0.45),
    "summary-priority": ("summary", "复核优先级", 0.45),
    "annotated-list": ("annotated", "修改清单", 1.0),
    "annotated-sheet": ("annotated", "二、收支情况", 0.45),
}


def outputs(work: Path) -> dict[str, Path]:
    files, docs = {}, []
    for key, path in (("clean", CLEAN), ("seed", SEED), ("messy", MESSY)):
        ev = evaluate(path)
        files[key] = write_evaluation(ev, work / output_name(ev))
        doc = file_document(ev)
        doc["output"] = files[key].name
        docs.append(doc)
    files["summary"] = write_summary(docs, [], work / "评价汇总.xlsx")
    files["annotated"] = annotate(evaluate(MESSY), work / "2022_messy_example_批注.xlsx")
    return files


def to_pdf(files: dict[str, Path], work: Path) -> dict[str, Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed")
    profile = (work / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(work / "pdf"), *map(str, files.values())],
                   check=True, capture_output=True, timeout=600)
    return {key: work / "pdf" / (path.stem + ".pdf") for key, path in files.items()}


def page_of(pages: list[Page], words: str) -> int:
    headed = [p.number for p in pages if p.words and p.text.splitlines()[0].endswith(words)]
    return headed[0] if headed else next(p.number for p in pages if words in p.text)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdfs = to_pdf(outputs(work), work)
        read = {key: read_pdf(pdf) for key, pdf in pdfs.items()}
        for key, pages in read.items():
            print(f"{key}: {measure(pages)}")
        for name, (key, words, share) in PICTURES.items():
            number = page_of(read[key], words)
            page = read[key][number - 1]
            width, height = (round(x * DPI / 72) for x in (page.width, page.height * share))
            stem = work / name
            subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(number),
                            "-l", str(number), "-x", "0", "-y", "0", "-W", str(width), "-H", str(height),
                            str(pdfs[key]), str(stem)], check=True)
            shutil.copyfile(stem.with_suffix(".png"), ROOT / "docs" / f"{name}.png")
            print(f"docs/{name}.png: {key} page {number}")


if __name__ == "__main__":
    main()
