"""The SQLite store: schema, idempotency, round trips, company matching, dates, concurrency."""
from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
import time

import pytest
from report_factory import answer, filing_score, single_filing, xinghe_filings

from nlp.records import IrtoneError
from nlp.store import MIGRATIONS, SCHEMA_VERSION, Store, date_is_valid, default_db_path, normalize_name, period_date


@pytest.fixture
def db(tmp_path):
    return tmp_path / "irtone.db"


def test_schema_version_wal_and_busy_timeout(db):
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000
    # Reopening does not migrate again.
    with Store(db) as store:
        assert store.schema_version == 4


def test_newer_schema_is_refused(db):
    with Store(db):
        pass
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(IrtoneError, match="schema 99 is newer"):
        Store(db).open()


def test_missing_store_without_create_is_a_helpful_error(db):
    with pytest.raises(IrtoneError, match="no irtone store here"):
        Store(db, create=False).open()
    assert not db.exists()


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("hello, not sqlite" * 100)
    with pytest.raises(IrtoneError, match="not an irtone store"):
        Store(path).open()


def test_default_path_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("IRTONE_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("IRTONE_DB")
    path = default_db_path()
    assert path.name == "irtone.db" and "irtone" in path.parent.name


def test_put_is_idempotent_and_round_trips(db):
    score = xinghe_filings()[3]
    with Store(db) as store:
        assert store.put(score) is True
        assert store.put(score) is False
        assert store.count() == 1
        assert store.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 4
        assert store.conn.execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 5
        back = store.get(score.filing.filing_id)
    assert back == score  # every field, including evidence and tone terms


def test_new_model_version_replaces_scores_and_stale_finds_old(db):
    filings = xinghe_filings()
    with Store(db) as store:
        for f in filings[:3]:
            store.put(f)
        first_seq = store.filing(filings[0].filing.filing_id).seq
        rescored = dataclasses.replace(filings[0], tone=-0.5, model_version="test-2")
        assert store.put(rescored) is False
        assert store.count() == 3
        row = store.filing(filings[0].filing.filing_id)
        assert (row.tone, row.model_version, row.seq) == (-0.5, "test-2", first_seq)
        assert store.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 6
        assert store.stale("test-2") == [filings[1].filing.filing_id, filings[2].filing.filing_id]
        assert store.stale("test-1") == [filings[0].filing.filing_id]


def test_filings_ordered_by_date_with_garbled_dates_last(db):
    f1, f2, f3, f4, garbled = xinghe_filings()
    no_date = filing_score("990001", "星河云算", None, [answer("无日期。", tone=0.0)])
    with Store(db) as store:
        for f in (f4, garbled, f2, no_date, f1, f3):
            store.put(f)
        rows = store.filings("990001")
    assert [r.date for r in rows] == ["2021-03-10", "2021-09-15", "2022-04-20", "2023-05-18", "0202-11-07", None]
    assert [r.date_valid for r in rows] == [True, True, True, True, False, False]
    assert rows[0].theme_share["capex"] == 0.5
    assert rows[0].activity == ("特定对象调研",)


def _briefing(name: str, period: str | None, text: str, tone: float):
    return filing_score(None, name, None, [answer(text, tone=tone)], activity=("业绩说明会",), period=period)


def test_periods_place_undated_briefings_among_dated_filings(db):
    record_mar = filing_score("990003", "海岳A", "2017-03-01", [answer("产能扩张。", tone=0.1)])
    record_jun = filing_score("990003", "海岳A", "2017-06-01", [answer("订单饱满。", tone=0.3)])
    annual = _briefing("海岳A", "2016", "年度业绩稳定。", 0.2)
    half = _briefing("海 岳Ａ", "2017H1", "上半年增长。", 0.4)
    neither = _briefing("海岳A", None, "无日期也无报告期。", 0.0)
    garbled = filing_score("990003", "海岳A", "0202-11-07", [answer("日期有误。", tone=-0.1)])
    with Store(db) as store:
        for f in (neither, half, garbled, record_jun, annual, record_mar):
            store.put(f)
        rows = store.filings("海岳A")
        back = store.get(half.filing.filing_id)
    assert [(r.date, r.period) for r in rows] == [
        ("2017-03-01", None), (None, "2016"), ("2017-06-01", None), (None, "2017H1"), (None, None), ("0202-11-07", None),
    ]
    assert [r.placed_on for r in rows] == ["2017-03-01", "2017-04-30", "2017-06-01", "2017-08-31", None, None]
    assert [r.placed_by_period for r in rows] == [False, True, False, True, False, False]
    assert [r.date_valid for r in rows] == [True, False, True, False, False, False]  # a period is not a day
    assert rows[1].history_point().period == "2016" and rows[1].history_point().date is None
    assert back == half and back.filing.period == "2017H1" and back.filing.date is None


@pytest.mark.parametrize(
    "period,expected",
    [("2016", "2017-04-30"), ("2016H1", "2016-08-31"), ("2016Q1", "2016-04-30"), ("2016Q2", "2016-08-31"),
     ("2016Q3", "2016-10-31"), ("2016Q4", "2017-04-30"), (None, None), ("", None), ("2016H2", None),
     ("16", None), ("1989", None), ("9999", None)],
)
def test_period_date(period, expected):
    assert period_date(period) == expected


SCHEMA_4_FILING_COLUMNS = ("theme_tone", "n_institutions", "n_participants", "question_tone", "tone_gap", "non_answer_rate")


def _drop_schema_4(conn) -> None:
    """Take a store back to schema 3: the columns and table schema 4 added go."""
    for column in SCHEMA_4_FILING_COLUMNS:
        conn.execute(f"ALTER TABLE filings DROP COLUMN {column}")
    for column in ("status", "measures"):
        conn.execute(f"ALTER TABLE answers DROP COLUMN {column}")
    conn.execute("DROP TABLE theme_labels")


def _create_schema_1_store(path, scores) -> None:
    """A store as irtone with schema version 1 (no period column) wrote it."""
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    for seq, score in enumerate(scores, start=1):
        values = Store._filing_values(score, "990003")
        for column in ("period", *SCHEMA_4_FILING_COLUMNS):
            del values[column]
        conn.execute("INSERT OR IGNORE INTO companies (key, code, name) VALUES ('990003', '990003', '海岳A')")
        columns = ", ".join(values)
        conn.execute(
            f"INSERT INTO filings ({columns}, seq, ingested_at, scored_at)"
            f" VALUES ({', '.join(':' + c for c in values)}, :seq, 'then', 'then')",
            {**values, "seq": seq},
        )
    conn.commit()
    conn.close()


def test_schema_1_store_upgrades_in_place(db):
    record = filing_score("990003", "海岳A", "2017-06-01", [answer("订单饱满。", tone=0.3)])
    briefing = filing_score("990003", "海岳A", None, [answer("年度业绩稳定。", tone=0.2)], period="2016")
    _create_schema_1_store(db, [briefing, record])
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        columns = [r["name"] for r in store.conn.execute("PRAGMA table_info(filings)")]
        assert columns[-7:] == ["period", *SCHEMA_4_FILING_COLUMNS]
        answer_columns = [r["name"] for r in store.conn.execute("PRAGMA table_info(answers)")]
        assert answer_columns[-3:] == ["tone_words", "status", "measures"]
        rows = store.filings("990003")
        # stored before periods existed: the briefing is undated, last, as schema 1 had it
        assert [(r.date, r.period) for r in rows] == [("2017-06-01", None), (None, None)]
        # storing it again with the same model adds nothing but learns its period
        assert store.put(briefing) is False
        assert [(r.date, r.period) for r in store.filings("990003")] == [(None, "2016"), ("2017-06-01", None)]
        assert store.get(briefing.filing.filing_id).filing.period == "2016"
        assert store.count() == 2
    with Store(db) as store:  # reopening does not migrate again
        assert store.schema_version == 4


@pytest.mark.parametrize(
    "value,valid",
    [("2015-04-09", True), ("0202-11-07", False), ("2013-02-30", False), ("11/07/202", False), (None, False), ("", False), ("1989-12-31", False)],
)
def test_date_is_valid(value, valid):
    assert date_is_valid(value) is valid


def test_normalize_name():
    assert normalize_name("万 科Ａ") == "万科A"
    assert normalize_name("万科a") == "万科A"
    assert normalize_name("\u3000星河　云算 ") == "星河云算"


def test_names_only_records_join_the_code_once_known(db):
    briefing = filing_score(None, "海 岳Ａ", "2016-04-01", [answer("业绩稳定。", tone=0.2)])
    briefing2 = filing_score(None, "海岳a", "2017-04-01", [answer("业绩增长。", tone=0.4)])
    record = filing_score("990003", "海岳A", "2015-10-10", [answer("产能扩张。", tone=0.1)])
    with Store(db) as store:
        store.put(briefing)
        store.put(briefing2)
        assert store.resolve("海岳Ａ") == "name:海岳A"
        assert [r.date for r in store.filings("海 岳A")] == ["2016-04-01", "2017-04-01"]
        store.put(record)
        assert [r.date for r in store.filings("990003")] == ["2015-10-10", "2016-04-01", "2017-04-01"]
        assert store.resolve("海岳A") == "990003"
        assert [c.key for c in store.companies()] == ["990003"]
        # A later name-only briefing goes straight to the code.
        briefing3 = filing_score(None, "海岳Ａ", "2018-04-01", [answer("订单饱满。", tone=0.5)])
        store.put(briefing3)
        assert store.filing(briefing3.filing.filing_id).company == "990003"


def test_resolve_by_code_name_full_name_and_substring(db):
    with Store(db) as store:
        for f in xinghe_filings()[:2]:
            store.put(f)
        store.put(single_filing())
        assert store.resolve("990001") == "990001"
        assert store.resolve("星河云算") == "990001"
        assert store.resolve("星河云算科技股份有限公司") == "990001"
        assert store.resolve("东湖") == "990002"
        assert store.resolve("990001.SZ") == store.resolve("SZ990001") == "990001"  # as tables write codes
        with pytest.raises(IrtoneError, match="no filings of company 123456"):
            store.resolve("123456")
        with pytest.raises(IrtoneError, match="no company matching '不存在'"):
            store.resolve("不存在")


def test_empty_store_message(db):
    with Store(db) as store:
        with pytest.raises(IrtoneError, match="the store is empty"):
            store.filings("990001")


def test_filing_without_code_or_name_is_its_own_company(db):
    anonymous = filing_score(None, None, "2020-01-01", [answer("匿名的回答。")])
    with Store(db) as store:
        assert store.put(anonymous) is True
        key = store.company_of(anonymous.filing)
        assert key == "file:" + anonymous.filing.filing_id
        assert [r.filing_id for r in store.filings(key)] == [anonymous.filing.filing_id]


def test_company_of_does_not_write(db):
    with Store(db) as store:
        store.put(xinghe_filings()[0])
        stranger = single_filing()
        assert store.company_of(xinghe_filings()[3].filing) == "990001"
        assert store.company_of(stranger.filing) is None
        assert store.count() == 1 and len(store.companies()) == 1


def _writer(path: str, offset: int, n: int, start) -> None:
    start.wait(60)  # both processes create the (new) store and write at the same time
    with Store(path) as store:
        for i in range(offset, offset + n):
            date = f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}"
            store.put(filing_score("990100", "并发测试", date, [answer(f"第{i}号回答。", tone=0.1), answer("其他。")]))
            time.sleep(0.002)  # as scoring would between puts: lets the other writer take the lock


def test_two_processes_writing_at_once_lose_nothing(db):
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(2)
    procs = [ctx.Process(target=_writer, args=(str(db), k * 60, 60, start)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    with Store(db) as store:
        assert store.count() == 120
        assert store.conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 240
        assert sorted(r.seq for r in store.filings("990100")) == list(range(1, 121))


def test_learned_tone_words_round_trip(db):
    score = filing_score("990004", "海岳B", "2017-06-01",
                         [answer("订单饱满，产能扩张。", tone=0.4, tone_words=(("饱满", 0.031), ("¬下降", 0.012)))])
    with Store(db) as store:
        store.put(score)
        assert store.get(score.filing.filing_id).answers[0].tone.words == (("饱满", 0.031), ("¬下降", 0.012))


def test_schema_2_answers_upgrade_with_no_learned_words(db):
    score = filing_score("990005", "海岳C", "2017-06-01", [answer("订单饱满。", tone=0.3, tone_words=(("饱满", 0.03),))])
    with Store(db) as store:
        store.put(score)
    conn = sqlite3.connect(db)  # as schema 2 had it: no tone_words column
    _drop_schema_4(conn)
    conn.execute("ALTER TABLE answers DROP COLUMN tone_words")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.get(score.filing.filing_id).answers[0].tone.words == ()


def _measured_score():
    from report_factory import THEMES

    from nlp.filing import aggregate
    from nlp.records import AnswerMeasures

    plain = filing_score("990006", "海岳D", "2018-03-01", [
        answer("算力需求旺盛。", tone=0.6, themes={"ai_compute": ("算力",)}, number=1),
        dataclasses.replace(answer("不便透露。", tone=0.0, number=2),
                            measures=AnswerMeasures(question_tone=0.2, non_answer=0.9, evasive=True, relevance=None)),
        dataclasses.replace(answer("Thanks.", tone=0.0, number=3), status="no_chinese"),
    ], participants=("甲辰基金 张远", "乙巳证券"))
    return aggregate(plain.filing, plain.answers, THEMES, "test-1")


def test_schema_4_round_trips_theme_tone_attendance_status_and_measures(db):
    score = _measured_score()
    assert score.theme_tone["ai_compute"] == 0.6 and score.n_institutions == 2 and score.non_answer_rate == 1.0
    with Store(db) as store:
        store.put(score)
        back = store.get(score.filing.filing_id)
        row = store.filing(score.filing.filing_id)
    assert back == score  # statuses, measures (None where absent) and every aggregate
    assert (row.theme_tone, row.n_institutions, row.n_participants) == (score.theme_tone, 2, 2)
    assert (row.question_tone, row.tone_gap, row.non_answer_rate) == (0.2, pytest.approx(-0.2), 1.0)
    point = row.history_point()
    assert point.theme_tone == score.theme_tone and point.n_institutions == 2


def test_a_filing_stored_before_schema_4_learns_its_aggregates_when_stored_again(db):
    score = _measured_score()
    with Store(db) as store:
        store.put(score)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE answers SET measures = NULL, status = 'ok'")
    conn.execute("UPDATE filings SET " + ", ".join(f"{c} = NULL" for c in SCHEMA_4_FILING_COLUMNS))
    conn.commit()
    conn.close()
    with Store(db) as store:
        old = store.filing(score.filing.filing_id)
        assert (old.theme_tone, old.n_institutions, old.non_answer_rate) == ({}, None, None)
        assert store.put(score) is False  # nothing new, but what it lacked is filled in
        assert store.get(score.filing.filing_id) == score


def test_theme_labels_are_remembered(db):
    with Store(db) as store:
        store.put(single_filing())
        store.put_theme_labels({"robotics": "机器人", "capex": "资本开支"})
        store.put_theme_labels({"robotics": "机器人与自动化", "empty": ""})
    with Store(db) as store:
        assert store.theme_labels() == {"capex": "资本开支", "robotics": "机器人与自动化"}
