"""The command line: fast start-up (nothing heavy imported for --help), clean errors."""
import subprocess
import sys

from nlp.cli import COMMANDS, main

HEAVY = ("jieba", "rjieba", "pandas", "sklearn", "numpy", "rich", "snownlp", "pyarrow", "pypdfium2", "docx")


def test_help_and_import_load_nothing_heavy():
    code = (
        "import sys, contextlib, io\n"
        "import nlp\n"
        "from nlp.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main([])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_command_module_exists_and_has_its_parts():
    import importlib

    for name in COMMANDS:
        module = importlib.import_module(f"nlp.commands.{name}")
        assert callable(module.add_arguments) and callable(module.run), name


def test_unknown_command_is_an_error(capsys):
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["analyze", str(empty), "--no-store"]) == 2
    err = capsys.readouterr().err.strip()
    assert "empty.txt" in err and len(err.splitlines()) == 1


def test_truncated_record_warns(tmp_path, capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "seeds" / "000_ece50293e7075997.txt").read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: text.index("主要内容介绍")], encoding="utf-8")
    assert main(["analyze", str(cut), "--no-store"]) == 0
    err = capsys.readouterr().err
    assert "cut.txt" in err and "no question-answer pairs" in err


def test_record_without_company_warns_that_it_cannot_be_compared(tmp_path, capsys):
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "seeds" / "000_ece50293e7075997.txt").read_text(encoding="utf-8")
    body = text[text.index("主要内容介绍"):]  # the Q&A without the header (no code, no name)
    bare = tmp_path / "bare.txt"
    bare.write_text("投资者关系活动记录表\n投资者关系活动" + body, encoding="utf-8")
    assert main(["analyze", str(bare), "--db", str(tmp_path / "s.db")]) == 0
    err = capsys.readouterr().err
    assert "bare.txt" in err and "cannot be compared" in err
