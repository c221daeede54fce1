"""Languages: the message catalog is complete, the source has no text outside it, numbers
and dates follow the language, labels replace keys, and the CLI, the workbook and the
charts speak Chinese."""

from __future__ import annotations

import ast
import json
import re
import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from mktsim.cli import main
from mktsim.i18n import catalog, default_language, normalize, set_language, use_language
from mktsim.report import load_results, write_report
from mktsim.report.fmt import format_count, format_date, format_money
from mktsim.report.summary import executive_summary
from mktsim.report.tables import all_tables
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text
from report_fixtures import write_results

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "mktsim"
PO = SRC / "locale" / "zh" / "LC_MESSAGES" / "mktsim.po"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
FIELD = re.compile(r"\{[^{}]*\}")
SCENARIO = ROOT / "scenarios" / "smart_band.yaml"


@pytest.fixture(autouse=True)
def english_after() -> Any:
    """Every test leaves the language as it found it (English by default)."""
    yield
    set_language("en")


def po_messages() -> list[Any]:
    with PO.open("rb") as f:
        return [m for m in read_po(f, locale="zh") if m.id]


def msgid(m: Any) -> str:
    return m.id[0] if isinstance(m.id, tuple | list) else m.id


def texts(m: Any) -> list[str]:
    return list(m.string) if isinstance(m.string, tuple | list) else [m.string]


# ---------------------------------------------------------------------- the catalog


def test_every_message_id_has_a_chinese_translation() -> None:
    missing = [msgid(m) for m in po_messages() if not all(t.strip() for t in texts(m))]
    assert missing == [], f"untranslated in {PO.name}: {missing[:10]}"


def test_the_catalog_holds_exactly_the_message_ids_of_the_source() -> None:
    """Every `_()`/`N_()`/`ngettext()` text of the source is in the .po, and the .po keeps
    no message the source no longer uses (run tools/update_catalog.py after a change)."""
    source = {
        (msg if isinstance(msg, str) else msg[0])
        for _f, _l, msg, _c, _x in extract_from_dir(SRC, method_map=[("**.py", "python")],
                                                    keywords=KEYWORDS)
    }
    po = {msgid(m) for m in po_messages()}
    assert sorted(source - po) == [], "not in the catalog"
    assert sorted(po - source) == [], "obsolete in the catalog"


def test_translations_keep_every_placeholder() -> None:
    """`{n:,}` in the English must be `{n:,}` in the Chinese, or `.format` fails."""
    for m in po_messages():
        ids = m.id if isinstance(m.id, tuple | list) else [m.id]
        wanted = sorted(set(FIELD.findall(ids[-1])))
        for text in texts(m):
            assert sorted(set(FIELD.findall(text))) == wanted, (msgid(m), text)


def test_the_catalog_is_read_from_the_installed_package() -> None:
    zh = catalog("zh")
    assert zh["Summary"] == "摘要" and len(zh) == len(po_messages())


USER_CALLS = {"echo", "print", "InputError", "ReportError", "Table", "add_column", "secho"}
MARKUP = re.compile(r"\[/?[a-z ]*\]")


def _literal_words(node: ast.AST) -> str:
    """The fixed text of a literal argument (string or f-string), markup removed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    else:
        return ""
    return MARKUP.sub("", text)


def test_no_user_facing_literal_in_cli_and_report_escapes_the_catalog() -> None:
    """Text given to click.echo, console.print, InputError, ReportError, rich tables and
    their columns is always a message of the catalog, never a bare English literal."""
    found = []
    for path in [*sorted((SRC / "cli").glob("*.py")), *sorted((SRC / "report").rglob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name = getattr(call.func, "attr", getattr(call.func, "id", ""))
            if name not in USER_CALLS:
                continue
            shown = [k.value for k in call.keywords if k.arg in ("title", "caption")]
            # rich's Table takes its text as title=; report.tables.Table's first field is a key
            args = shown if name == "Table" else [*call.args, *shown]
            for arg in args:
                if re.search(r"[A-Za-z]{2,}", _literal_words(arg)):
                    found.append(f"{path.name}:{arg.lineno}: {ast.unparse(arg)[:60]}")
    assert found == []


# ---------------------------------------------------------------------- the language


def test_the_language_comes_from_mktsim_lang_then_the_locale(monkeypatch: Any) -> None:
    for name in ("MKTSIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    assert default_language() == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_language() == "zh"
    monkeypatch.setenv("MKTSIM_LANG", "en")
    assert default_language() == "en"
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("MKTSIM_LANG")
    assert default_language() == "en"
    assert normalize("zh-Hans") == normalize("zh_TW.UTF-8") == "zh"
    with pytest.raises(ValueError, match="choose en or zh"):
        normalize("fr")


def test_money_counts_and_dates_follow_the_language() -> None:
    assert format_money(12_345_000, "CNY") == "CNY 12.3 M"
    assert format_date(date(2027, 1, 1)) == "1 Jan 2027"
    with use_language("zh"):
        assert format_money(12_345_000, "CNY") == "1,234.5 万元"
        assert format_money(250_000_000, "CNY") == "2.5 亿元"
        assert format_money(-1_500_000, "CNY") == "-150 万元"
        assert format_money(8_300, "CNY") == "8,300 元"
        assert format_money(12_345_000, "USD") == "1,234.5 万美元"
        assert format_count(174_403) == "17.4 万"
        assert format_date(date(2027, 1, 1)) == "2027年1月1日"
        assert format_date(date(2027, 12, 31)) == "2027年12月31日"


# ---------------------------------------------------------------------- labels


LABELLED = """
name: Labelled
start_date: 2027-01-01
horizon_days: 30
market:
  size: 1000
  segments:
    all: {share: 1, label: 全部客户}
products:
  band: {price: 100, unit_cost: 40, label: {en: Band, zh: 手环}}
channels:
  kol:
    type: online
    label: {en: KOL partnerships, zh: KOL合作}
    cost: {model: cpm, cpm: 45}
strategies:
  base: {label: {en: Base plan, zh: 基准方案}, budget: 1000, allocation: {kol: 1}}
objectives:
  grow: {description: Grow the brand., label: {en: Grow, zh: 增长}}
targets:
  - {id: t1, label: {zh: 销量目标}, metric: units, at_least: 10}
"""


def test_labels_are_read_from_the_scenario_and_keys_stay_identifiers() -> None:
    spec = load_text(LABELLED).spec
    assert spec.labels() == {
        "channels": {"kol": {"en": "KOL partnerships", "zh": "KOL合作"}},
        "segments": {"all": "全部客户"},
        "products": {"band": {"en": "Band", "zh": "手环"}},
        "strategies": {"base": {"en": "Base plan", "zh": "基准方案"}},
        "targets": {"t1": {"zh": "销量目标"}},
        "objectives": {"grow": {"en": "Grow", "zh": "增长"}},
    }
    assert list(spec.channels) == ["kol"]


def test_a_label_in_an_unknown_language_is_refused_with_its_line() -> None:
    with pytest.raises(ScenarioError) as err:
        load_text(LABELLED.replace("{en: Band, zh: 手环}", "{en: Band, fr: Bracelet}"))
    (problem,) = err.value.problems
    assert problem.where == "products.band.label" and problem.line == 10
    assert "unknown language 'fr' in a label; give en and/or zh" in problem.message


def test_the_shipped_smart_band_carries_chinese_labels() -> None:
    from mktsim.scenario.load import load_spec

    labels = load_spec(SCENARIO).spec.labels()
    assert labels["channels"]["kol"] == {"en": "KOL partnerships", "zh": "KOL合作"}
    for kind in ("channels", "segments", "products", "teams", "strategies", "targets",
                 "objectives"):
        assert labels[kind] and all("zh" in v for v in labels[kind].values()), kind


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("zh")
    write_results(out, reps=40)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    run["labels"] = {"channels": {"kol": {"en": "KOL partnerships", "zh": "KOL合作"}},
                     "targets": {"sales_up": {"en": "Unit sales", "zh": "销量目标"}}}
    run["scenario"] = "plans/smart_band.yaml"
    (out / "run.json").write_text(json.dumps(run), encoding="utf-8")
    return out


def test_labels_replace_keys_in_tables_of_each_language(folder: Path) -> None:
    results = load_results(folder)
    en = all_tables(results)
    assert "KOL partnerships" in list(en["channels"].frame["Channel"])
    assert "Unit sales" in list(en["targets"].frame["Target"])
    with use_language("zh"):
        zh = all_tables(results)
    assert "KOL合作" in list(zh["channels"].frame["渠道"])
    assert "销量目标" in list(zh["targets"].frame["目标"])
    assert "Search" in list(zh["channels"].frame["渠道"])  # no label: the key as a heading


# ---------------------------------------------------------------------- the summary


def test_the_summary_opens_with_the_verdict_and_the_next_step(folder: Path) -> None:
    results = load_results(folder)
    risky = [t for t in results.targets if t.met is False]
    assert risky
    first, *rest = executive_summary(results)
    assert first.startswith(f"Verdict: {len(risky)} of {len(results.targets)} targets")
    for t in risky:
        short = (t.confidence - t.probability) * 100
        assert f"{results.label('targets', t.id)} {t.probability * 100:.0f}% likely against " \
               f"{t.confidence * 100:.0f}% required ({short:.0f} points short" in first
    step = next(s for s in rest if s.startswith("Next step"))
    assert "`mktsim optimize plans/smart_band.yaml --mode target`" in step
    assert rest.index(step) < 3  # before what was simulated and the detail
    with use_language("zh"):
        zh = executive_summary(results)
    assert zh[0].startswith("结论：") and "存在风险" in zh[0] and "销量目标" in zh[0]
    assert any(s.startswith("下一步：") and "--mode target --lang zh" in s for s in zh[:4])


# ---------------------------------------------------------------------- the workbook


def _cells(path: Path) -> list[list[list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    return [[list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets]


def test_the_chinese_workbook_reads_back_the_same_numbers(folder: Path, tmp_path: Path) -> None:
    (en_path,) = write_report(folder, ["xlsx"], tmp_path / "en", lang="en")
    (zh_path,) = write_report(folder, ["xlsx"], tmp_path / "zh", lang="zh")
    en, zh = _cells(en_path), _cells(zh_path)
    assert len(en) == len(zh) > 10
    numbers = 0
    for sheet_en, sheet_zh in zip(en[1:], zh[1:], strict=True):  # the tables, cell by cell
        assert len(sheet_en) == len(sheet_zh)
        for row_en, row_zh in zip(sheet_en, sheet_zh, strict=True):
            for a, b in zip(row_en, row_zh, strict=True):
                if isinstance(a, int | float | date) and not isinstance(a, bool):
                    assert b == a
                    numbers += 1
    assert numbers > 300
    summary = {r[0]: r[1] for r in zh[0] if r[0]}
    assert summary["模拟次数"] == 40 and summary["开始日期"].date() == date(2027, 1, 1)
    from openpyxl import load_workbook

    assert load_workbook(zh_path).sheetnames[:3] == ["摘要", "目标", "关键指标"]


# ---------------------------------------------------------------------- charts


def _text_of(fig: Any) -> list[Any]:
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]


def test_no_glyph_of_a_chinese_chart_is_a_missing_glyph_box(folder: Path) -> None:
    """Every character drawn in a zh chart is in the cmap of a font of its family list
    (the CJK font, then DejaVu Sans), and matplotlib reports no missing glyph."""
    from fontTools.ttLib import TTCollection, TTFont
    from matplotlib import font_manager

    from mktsim.report import charts
    from mktsim.report.fonts import cjk_font

    found = cjk_font()
    if found is None:
        pytest.skip("no CJK font on this machine (CI installs fonts-noto-cjk)")

    def cmap(path: str) -> set[int]:
        with open(path, "rb") as f:
            font = TTCollection(f).fonts[0] if path.endswith(".ttc") else TTFont(f)
            return set(font.getBestCmap())

    covered = cmap(found[1]) | cmap(font_manager.findfont("DejaVu Sans"))
    results = load_results(folder)
    chinese = 0
    with use_language("zh"), charts.chart_style(), warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" fails the test
        for _key, _section, _title, _caption, draw in charts._plans(results):
            fig = draw()
            if fig is None:
                continue
            fig.canvas.draw()
            for text in _text_of(fig):
                chars = {c for c in text.get_text() if not c.isspace()}
                assert not {c for c in chars if ord(c) not in covered}, text.get_text()
                chinese += sum(1 for c in chars if "\u4e00" <= c <= "\u9fff")
    assert chinese > 50


def test_without_a_cjk_font_charts_fall_back_to_english_with_one_warning(
        folder: Path, tmp_path: Path, monkeypatch: Any) -> None:
    from mktsim.report import fonts

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    monkeypatch.setattr(fonts, "_warned", [])
    with use_language("zh"), pytest.warns(fonts.MissingFontWarning, match="fonts-noto-cjk"):
        assert fonts.chart_language() == "en"
    with use_language("zh"), warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fonts.chart_language() == "en"  # the warning is given once


# ---------------------------------------------------------------------- the CLI


def _invoke(*args: Any, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def test_cli_validate_and_errors_in_chinese(tmp_path: Path) -> None:
    done = _invoke("validate", SCENARIO, "--lang", "zh")
    assert done.exit_code == 0, done.output
    assert "有效：4 个策略，7 个渠道，4 个目标" in done.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCENARIO.read_text(encoding="utf-8").replace("horizon_days: 365",
                                                                 "horizon_dayz: 365"),
                   encoding="utf-8")
    done = _invoke("validate", bad, env={"MKTSIM_LANG": "zh"})
    assert done.exit_code == 2
    assert "错误：" in done.output and "未知的键“horizon_dayz”" in done.output
    assert "是否想写“horizon_days”？" in done.output
    assert "个问题：场景无法运行" in done.output
    english = _invoke("validate", bad)
    assert "unknown key 'horizon_dayz'" in english.output and "错误" not in english.output


def test_cli_lang_before_the_command_and_on_it(tmp_path: Path) -> None:
    assert "已写入" in _invoke("--lang", "zh", "schema", "--out", tmp_path / "a.json").output
    assert "已写入" in _invoke("schema", "--out", tmp_path / "b.json", "--lang", "zh").output
    assert "wrote" in _invoke("schema", "--out", tmp_path / "c.json").output
    done = _invoke("report", tmp_path / "nothing", "--lang", "zh")
    assert done.exit_code == 2 and "不是结果文件夹" in done.output


def test_cli_report_in_chinese(folder: Path, tmp_path: Path) -> None:
    done = _invoke("report", folder, "--format", "md", "--out", tmp_path, "--lang", "zh")
    assert done.exit_code == 0, done.output
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert text.count("\n## ") >= 10 and "## 摘要" in text and "## 目标" in text
    assert "- 结论：" in text and "万元" in text and "2027年1月1日" in text
    assert "KOL合作" in text


def test_init_smart_band_in_chinese_writes_the_same_plan_with_chinese_comments(
        tmp_path: Path) -> None:
    from mktsim.scenario.load import load_spec

    done = _invoke("init", "smart-band", tmp_path, "--lang", "zh")
    assert done.exit_code == 0, done.output
    text = (tmp_path / "smart_band.yaml").read_text(encoding="utf-8")
    comments = [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]
    assert sum(1 for c in comments if re.search(r"[\u4e00-\u9fff]", c)) > 40
    assert load_spec(tmp_path / "smart_band.yaml").spec == load_spec(SCENARIO).spec


def test_cli_run_tables_in_chinese_with_labels() -> None:
    done = _invoke("run", SCENARIO, "-n", "4", "--no-incremental", "--lang", "zh")
    assert done.exit_code == 0, done.output
    out = done.stdout
    for words in ("期末关键指标（4 次模拟）", "SMART 目标 - 策略 基准方案",
                  "渠道（每次模拟的均值）", "支出与预算（每次模拟的均值）",
                  "计划的流失环节（每次模拟的均值）", "KOL合作", "年销量 22.5 万台", "品牌知晓度"):
        assert words in out, words
    assert "万" in out  # money in 万
    english = _invoke("run", SCENARIO, "-n", "4", "--no-incremental")
    assert "KPIs at the horizon (4 replications)" in english.stdout
    assert "KOL partnerships" in english.stdout and "KOL合作" not in english.stdout


# ---------------------------------------------------------------------- input files


HISTORY = ROOT / "scenarios" / "smart_band_history.csv"
FREE = ["--param", "market.word_of_mouth.imitation=0.05:0.4"]


def _history_with_units(tmp_path: Path, units: str) -> Path:
    lines = HISTORY.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[2].split(",")  # the spreadsheet's row 3
    row[header.index("units")] = units
    path = tmp_path / "h.csv"
    path.write_text("\n".join([*lines[:2], ",".join(row), *lines[3:]]) + "\n",
                    encoding="utf-8")
    return path


def test_a_bad_history_cell_is_refused_in_chinese_naming_file_row_and_column(
        tmp_path: Path) -> None:
    from mktsim.history import HistoryError, read_history

    path = _history_with_units(tmp_path, "1204%")
    spec = load_text(SCENARIO.read_text(encoding="utf-8")).spec
    for lang, words in (("zh", "'1204%' 是百分数，但这一列不是占比。请直接写数值"),
                        ("en", "'1204%' is a percentage, but this column is not a share")):
        with use_language(lang):
            with pytest.raises(HistoryError) as info:
                read_history(path, spec.channels, spec.products)
            text = str(info.value)
        assert f"{path}:3: units: {words}" in text, text
        assert ("历史数据文件中有 1 个问题" in text) == (lang == "zh")
        assert ("percentage" in text) == (lang == "en")


def test_cli_decimal_comma_history_mixing_a_point_is_refused_in_chinese(tmp_path: Path
                                                                      ) -> None:
    """A semicolon file writes decimals with a comma; a cell with a decimal point in it is
    refused at its row and column, with the fix in the chosen language."""
    path = tmp_path / "h.csv"
    head, *rows = HISTORY.read_text(encoding="utf-8").replace(",", ";").splitlines()
    lines = [head, *(row.replace(".", ",") for row in rows)]
    lines[2] = lines[2].replace("1387,0;", "1387.5;")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _invoke("calibrate", SCENARIO, "--history", path, *FREE, "--lang", "zh")
    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    assert f"{path}:3: units: '1387.5' 不是数字。本文件以逗号作小数点" in done.output, done.output
    english = _invoke("calibrate", SCENARIO, "--history", path, *FREE)
    assert f"{path}:3: units: '1387.5' is not a number. this file writes decimals with a " \
        "comma" in english.output, english.output


def test_draws_file_and_output_refusals_in_chinese(tmp_path: Path) -> None:
    from mktsim.documents.staging import OutputRefused, refuse_overwrite
    from mktsim.scenario.uncertainty.joint_draws import DrawsFileError, read_draws

    draws = tmp_path / "d.csv"
    for cell in ("1e309", "1,5"):
        draws.write_text(f"size,x\n1,2\n{cell!r},3\n".replace("'", '"'), encoding="utf-8")
        with use_language("zh"):
            with pytest.raises(DrawsFileError) as info:
                read_draws(draws)
            said = info.value.where() + info.value.message
        assert said == f"第 3 行，列 size：{cell!r} 不是有限的数字", said
    with use_language("zh"), pytest.raises(OutputRefused) as refused:
        refuse_overwrite({"--out": draws}, {"scenario": draws})
    assert str(refused.value) == (f"--out {draws} 会覆盖场景 {draws}，它是本命令的输入；"
                                  "请写到另一个文件名")
