"""Condition checks: risk levels from the answers, what a decision needs at each level, the four-eyes
lock, amendments as versions, and the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from decimal import Decimal
from typing import Any

import pytest

from postapp.conditions import audit, checks
from postapp.conditions.checks import CheckAnswers, HitData, StepData
from postapp.conditions.models import CheckStatus, ConditionCheck, Decision, RiskLevel, StepAnswer, Verdict
from postapp.conditions.risk_data import RiskData, parse
from postapp.domain import Organisation, OrganisationKind
from postapp.errors import ValidationError
from postapp.sanctions.screening import ListStatus
from postapp.store import Store

ALICE, BOB = "Alice de Vries", "Bob Nguyen"


def risk_data(levels: dict[str, list[tuple[str, str, bool]]]) -> RiskData:
    """Reference data with one country (VN) and the given risks per sector: (theme, level, gender)."""
    themes = {t: {"heading": "labour_rights", "nl": t, "en": t.replace("_", " ")}
              for t in ("child_labour", "living_wage", "corruption", "environment_pollution")}
    raw: dict[str, Any] = {
        "version": "test", "headings": {"labour_rights": {"nl": "Arbeid", "en": "Labour"}}, "themes": themes,
        "sectors": {"textiles": {"nl": "Textiel en kleding", "en": "Textiles and clothing", "aliases": ["garments"]},
                    "food": {"nl": "Voeding", "en": "Food", "aliases": []}},
        "countries": {"VN": {"nl": "Vietnam", "en": "Viet Nam"}},
        "profiles": [{"country": "VN", "sector": sector, "risks": [
            {"theme": t, "level": lv, "gender": g, "text": {"en": "x"}, "advice": {"en": "y"},
             "source": {"title": "ILO", "year": 2024}} for t, lv, g in risks]} for sector, risks in levels.items()],
    }
    return parse(raw)


NO_LIST = checks.ListState([])


def one_list(published: dt.date) -> checks.ListState:
    imported = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    return checks.ListState([ListStatus("eu", published, imported, 5000)])


LOW = risk_data({"textiles": [("corruption", "low", False)]})
MEDIUM = risk_data({"textiles": [("corruption", "medium", False), ("living_wage", "medium", True)]})
HIGH = risk_data({"textiles": [("child_labour", "high", True), ("corruption", "medium", False)]})


def company(store: Store, **fields: Any) -> uuid.UUID:
    values: dict[str, Any] = {"name": "Oranje Garments B.V.", "kind": OrganisationKind.COMPANY,
                              "sector": "Textiles and clothing", "country": "NL", "employees": 120}
    values.update(fields)
    with store.session() as session:
        org = Organisation(**values)
        session.add(org)
        session.flush()
        return org.id


def new_check(store: Store, org_id: uuid.UUID, answers: CheckAnswers | None = None) -> uuid.UUID:
    with store.session() as session:
        check = checks.start_check(session, org_id, "trade_mission", "vn", ALICE, "HAN")
        checks.record_answers(session, check.id, answers or CheckAnswers(oecd_declared=True), ALICE)
        checks.record_screening(session, check.id, [], ALICE)
        return check.id


def level(store: Store, check_id: uuid.UUID, data: RiskData) -> tuple[RiskLevel, list[str]]:
    with store.session() as session:
        result = checks.review(checks.get_check(session, check_id), data, NO_LIST).assessment
        return result.level, [r.code for r in result.reasons]


def evidence(store: Store, check_id: uuid.UUID, steps: range) -> None:
    with store.session() as session:
        for n in steps:
            checks.record_step(session, check_id, n, StepData("yes", f"DD policy 2026 p.{n}", "", ""), ALICE)


def test_start_check_refuses_non_companies_and_bad_countries(store: Store) -> None:
    ngo = company(store, name="Centre for Labour Rights", kind=OrganisationKind.NGO)
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.start_check(session, ngo, "trade_mission", "Vietnam", ALICE)
    assert set(err.value.errors) == {"organisation", "host_country"}
    with store.session() as session:
        assert session.query(ConditionCheck).count() == 0


def test_low_medium_and_high_risk_levels_with_reasons(store: Store) -> None:
    org = company(store)
    check_id = new_check(store, org)
    assert level(store, check_id, LOW) == (RiskLevel.LOW, ["no_signals"])
    assert level(store, check_id, MEDIUM) == (RiskLevel.MEDIUM, ["country_sector_medium"])
    assert level(store, check_id, HIGH) == (RiskLevel.HIGH, ["country_sector_high"])
    unknown_sector = company(store, name="Delta Widgets", sector="Widgets")
    assert level(store, new_check(store, unknown_sector), LOW)[1] == ["no_risk_data"]


@pytest.mark.parametrize(("answers", "org_fields", "expected", "code"), [
    (CheckAnswers(oecd_declared=True, conflict_minerals=True, minerals=["tin", "gold"], minerals_from_cahra=True),
     {}, RiskLevel.HIGH, "conflict_minerals_cahra"),
    (CheckAnswers(oecd_declared=True, conflict_minerals=True, minerals=["tin"], minerals_from_cahra=False),
     {}, RiskLevel.MEDIUM, "conflict_minerals"),
    (CheckAnswers(oecd_declared=True, ncp_complaints="2024: complaint by a union about dismissals"),
     {}, RiskLevel.HIGH, "ncp_complaint"),
    (CheckAnswers(oecd_declared=False), {"employees": 600, "turnover_eur": Decimal(45_000_000)},
     RiskLevel.HIGH, "target_group_not_declared"),
    (CheckAnswers(oecd_declared=False), {"employees": 600, "turnover_eur": Decimal(40_000_000)},
     RiskLevel.MEDIUM, "not_declared"),
    (CheckAnswers(oecd_declared=None), {}, RiskLevel.MEDIUM, "declaration_unknown"),
])
def test_answers_raise_the_risk(store: Store, answers: CheckAnswers, org_fields: dict[str, Any],
                                expected: RiskLevel, code: str) -> None:
    check_id = new_check(store, company(store, **org_fields), answers)
    found, codes = level(store, check_id, LOW)
    assert found is expected
    assert code in codes


def test_gender_gaps_count_only_where_risks_are_gender_specific(store: Store) -> None:
    answers = CheckAnswers(oecd_declared=True, gender_answers={"safe_grievance": "no", "equal_pay": "no"})
    check_id = new_check(store, company(store), answers)
    assert "gender_gaps" in level(store, check_id, MEDIUM)[1]  # living wage is gender-flagged there
    assert "gender_gaps" not in level(store, check_id, LOW)[1]
    with store.session() as session:
        assessed = checks.review(checks.get_check(session, check_id), MEDIUM, NO_LIST).assessment
    gaps = next(r for r in assessed.reasons if r.code == "gender_gaps")
    assert "2 of the 4 questions" in gaps.text()


def test_high_risk_needs_all_six_steps_with_evidence_before_support(store: Store) -> None:
    check_id = new_check(store, company(store))
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.decide(session, check_id, "support", [], "Good track record.", ALICE, HIGH)
    message = err.value.errors["missing"]
    assert all(f"step {n}:" in message for n in range(1, 7))
    evidence(store, check_id, range(1, 6))
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.decide(session, check_id, "support", [], "Good track record.", ALICE, HIGH)
    assert "step 6:" in err.value.errors["missing"] and "step 5:" not in err.value.errors["missing"]
    with store.session() as session:
        assert checks.get_check(session, check_id).status is CheckStatus.DRAFT
    evidence(store, check_id, range(6, 7))
    with store.session() as session:
        check = checks.decide(session, check_id, "support", [], "Good track record.", ALICE, HIGH)
        assert check.status is CheckStatus.DECIDED and check.risk_level is RiskLevel.HIGH


def test_medium_needs_steps_one_and_two_low_needs_none(store: Store) -> None:
    medium = new_check(store, company(store))
    with store.session() as session:
        missing = checks.review(checks.get_check(session, medium), MEDIUM, NO_LIST).missing
    assert len(missing) == 2 and "step 1:" in missing[0] and "step 2:" in missing[1]
    low = new_check(store, company(store, name="Delta Textiles"))
    with store.session() as session:
        assert checks.review(checks.get_check(session, low), LOW, NO_LIST).missing == []
        # No support is always possible without evidence, even at high risk.
        checks.decide(session, low, "no_support", [], "Refused to share its policy.", ALICE, HIGH)


def test_conditions_must_be_listed_and_a_rationale_given(store: Store) -> None:
    check_id = new_check(store, company(store))
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.decide(session, check_id, "support_with_conditions", ["  "], "", "", LOW)
    assert set(err.value.errors) == {"conditions", "rationale", "decided_by"}


def hit(name: str, entry: str) -> HitData:
    return HitData("eu", dt.date(2026, 11, 20), entry, name, name, 91.0, "enterprise", "RU", "UKR")


def test_sanctions_hits_need_a_verdict_and_a_true_match_blocks_support(store: Store) -> None:
    check_id = new_check(store, company(store))
    with store.session() as session:
        check = checks.record_screening(session, check_id, [hit("Oranje Garmentz", "EU.1"), hit("Orange G", "EU.2")],
                                        ALICE)
        ids = {h.external_id: h.id for h in check.hits}
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.decide(session, check_id, "no_support", [], "Sanctioned.", ALICE, LOW)
    assert "2 open" in err.value.errors["missing"]
    with store.session() as session, pytest.raises(ValidationError):
        checks.assess_hit(session, ids["EU.1"], "true_match", "", ALICE)  # a reason is required
    with store.session() as session:
        checks.assess_hit(session, ids["EU.1"], "true_match", "Same registration number", ALICE)
        checks.assess_hit(session, ids["EU.2"], "false_match", "Different country and owner", ALICE)
    assert level(store, check_id, LOW) == (RiskLevel.HIGH, ["sanctions_true_match"])
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.decide(session, check_id, "support", [], "x", ALICE, LOW)
    assert "only 'no support'" in err.value.errors["missing"]
    # A new screening run keeps the verdicts already given.
    with store.session() as session:
        check = checks.record_screening(session, check_id, [hit("Oranje Garmentz", "EU.1"), hit("O.G.", "EU.3")],
                                        ALICE)
        verdicts = {h.external_id: h.verdict for h in check.hits}
    assert verdicts == {"EU.1": Verdict.TRUE_MATCH, "EU.2": Verdict.FALSE_MATCH, "EU.3": Verdict.UNDECIDED}


def test_stale_or_missing_list_gives_a_warning(store: Store) -> None:
    check_id = new_check(store, company(store))
    with store.session() as session:
        check = checks.get_check(session, check_id)
        old = checks.review(check, LOW, one_list(dt.date(2026, 9, 1)), today=dt.date(2026, 11, 25))
        fresh = checks.review(check, LOW, one_list(dt.date(2026, 11, 20)), today=dt.date(2026, 11, 25))
        tolerant = checks.review(check, LOW, one_list(dt.date(2026, 9, 1)), today=dt.date(2026, 11, 25),
                                 stale_after_days=90)
        none = checks.review(check, LOW, NO_LIST)
    assert "85 days old" in old.warnings[0]
    assert fresh.warnings == [] and tolerant.warnings == []
    assert "No sanctions list" in none.warnings[0]


def decided(store: Store) -> uuid.UUID:
    check_id = new_check(store, company(store))
    with store.session() as session:
        checks.decide(session, check_id, "support_with_conditions", ["Join the textile convenant"],
                      "Low risk, policy in place.", ALICE, LOW)
    return check_id


def test_four_eyes_confirmation_locks_the_check(store: Store) -> None:
    check_id = decided(store)
    with store.session() as session, pytest.raises(checks.LockedError):
        checks.record_answers(session, check_id, CheckAnswers(oecd_declared=False), ALICE)
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.confirm(session, check_id, " alice DE VRIES ")
    assert "second person" in err.value.errors["confirmed_by"]
    with store.session() as session:
        check = checks.confirm(session, check_id, BOB)
        assert (check.status, check.decided_by, check.confirmed_by) == (CheckStatus.CONFIRMED, ALICE, BOB)
        assert check.decided_at is not None and check.confirmed_at is not None
        assert check.decision is Decision.SUPPORT_WITH_CONDITIONS
    with store.session() as session, pytest.raises(checks.LockedError):
        checks.record_step(session, check_id, 1, StepData("no"), BOB)
    with store.session() as session, pytest.raises(ValidationError):
        checks.send_back(session, check_id, BOB, "too late")


def test_second_person_can_send_a_decision_back(store: Store) -> None:
    check_id = decided(store)
    with store.session() as session:
        check = checks.send_back(session, check_id, BOB, "Ask for the audit report first")
        assert check.status is CheckStatus.DRAFT and check.decision is None
        checks.record_step(session, check_id, 4, StepData("partly", "Audit report 2025"), ALICE)


def test_amendment_is_a_new_linked_version(store: Store) -> None:
    check_id = decided(store)
    with store.session() as session:
        checks.confirm(session, check_id, BOB)
    with store.session() as session:
        new = checks.amend(session, check_id, ALICE)
        new_id = new.id
        assert (new.version, new.previous_id, new.status) == (2, check_id, CheckStatus.DRAFT)
        assert [s.step for s in new.steps] == [1, 2, 3, 4, 5, 6]
        assert new.oecd_declared is True
    with store.session() as session, pytest.raises(ValidationError):
        checks.amend(session, check_id, ALICE)  # amend the newest version, not the old one
    with store.session() as session:
        checks.record_answers(session, new_id, CheckAnswers(oecd_declared=False), ALICE)
        assert [c.version for c in checks.versions(session, check_id)] == [1, 2]
        old = checks.get_check(session, check_id)
        assert old.status is CheckStatus.CONFIRMED and old.oecd_declared is True


def test_check_list_puts_open_and_risky_work_first(store: Store) -> None:
    confirmed = decided(store)
    with store.session() as session:
        checks.confirm(session, confirmed, BOB)
    draft = new_check(store, company(store, name="Zeeland Textiles"))
    waiting = decided(store)
    with store.session() as session:
        rows = checks.check_rows(session)
    assert [r.id for r in rows] == [draft, waiting, confirmed]
    assert rows[0].organisation == "Zeeland Textiles"


def test_every_change_is_in_the_audit_chain_and_verifies(store: Store) -> None:
    check_id = decided(store)
    with store.session() as session:
        checks.confirm(session, check_id, BOB)
        actions = [e.action for e in audit.entries_for(session, check_id)]
        assert actions == ["start", "answers", "screen", "decide", "confirm"]
        assert audit.verify(session) == (5, None)


def test_the_log_refuses_updates_and_verify_finds_tampering(store: Store) -> None:
    decided(store)
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_log SET actor = 'Mallory' WHERE seq = 2")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_log WHERE seq = 2")
    # Someone with the file and a SQLite shell can drop the guard; the chain still tells.
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET payload = replace(payload, 'Low risk', 'No risk') WHERE seq = 4")
    con.commit()
    with store.session() as session:
        checked, broken = audit.verify(session)
    assert checked == 3 and broken is not None and broken.seq == 4 and "changed" in broken.problem
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DELETE FROM audit_log WHERE seq = 2")
    con.commit()
    con.close()
    with store.session() as session:
        checked, broken = audit.verify(session)
    assert checked == 1 and broken is not None and broken.seq == 2 and "missing" in broken.problem


def test_step_answers_are_validated(store: Store) -> None:
    check_id = new_check(store, company(store))
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.record_step(session, check_id, 7, StepData("maybe", "x" * 400), ALICE)
    assert set(err.value.errors) == {"answer", "evidence_ref", "step"}
    with store.session() as session:
        step = checks.record_step(session, check_id, 3, StepData(StepAnswer.PARTLY, "", "https://example.org/r"),
                                  ALICE)
        assert step.has_evidence


def test_audit_verify_command(store: Store, tmp_path: Any) -> None:
    import subprocess
    import sys

    decided(store)
    store.close()

    def verify() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "postapp", "--lang", "en", "--db", str(store.path), "audit",
                               "verify"], capture_output=True, text=True, timeout=120)

    ok = verify()
    assert ok.returncode == 0, ok.stderr
    assert "intact: 4 entries" in ok.stdout
    con = sqlite3.connect(store.path)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET actor = 'Mallory' WHERE seq = 3")
    con.commit()
    con.close()
    broken = verify()
    assert broken.returncode == 1
    assert "Traceback" not in broken.stderr
    assert broken.stderr.strip().splitlines() == [
        "postapp: The audit log is broken at entry 3: entry 3 was changed after it was written (2 entries before "
        "it are intact)."]


def test_the_same_person_with_other_punctuation_cannot_confirm(store: Store) -> None:
    check_id = decided(store)
    for alias in ("Alice de Vries.", "alice-de-vries", "ALICE DE  VRIES"):
        with store.session() as session, pytest.raises(ValidationError):
            checks.confirm(session, check_id, alias)
    assert checks.same_person("Alice de Vries", "Alice de Vries.")
    assert not checks.same_person("Alice de Vries", "Alicia de Vries")


def test_verify_finds_a_removed_tail_and_an_edited_decision(store: Store) -> None:
    check_id = decided(store)
    with store.session() as session:
        checks.confirm(session, check_id, BOB)
    con = sqlite3.connect(store.path)
    con.execute("DROP TRIGGER audit_log_no_delete")
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("DELETE FROM audit_log WHERE seq = 5")  # the confirmation, the newest entry
    con.commit()
    with store.session() as session:
        checked, broken = audit.verify(session)
    assert checked == 4 and broken is not None and broken.seq == 5
    # Someone edits the check row itself after the log was written.
    con.execute("DELETE FROM audit_log")
    con.commit()
    con.close()
    check_id = decided(store)
    con = sqlite3.connect(store.path)
    con.execute("UPDATE condition_check SET decision = 'support' WHERE id = ?", (check_id.hex,))
    con.commit()
    con.close()
    with store.session() as session:
        _checked, broken = audit.verify(session)
    assert broken is not None and "differs from the audit log" in broken.problem


def test_a_list_imported_after_the_screening_asks_for_a_new_screening(store: Store, tmp_path: Any) -> None:
    from sanctions_files import default_eu

    from postapp.sanctions.importer import import_list

    check_id = new_check(store, company(store))  # screened while no list was there
    with store.session() as session:
        import_list(session, default_eu(tmp_path / "eu.xml"))
    with store.session() as session, pytest.raises(ValidationError) as err:
        checks.decide(session, check_id, "support", [], "Low risk.", ALICE, LOW)
    assert "screen the company again" in err.value.errors["missing"]
    with store.session() as session:
        checks.record_screening(session, check_id, [], ALICE)
    with store.session() as session:
        assert checks.decide(session, check_id, "support", [], "Low risk.", ALICE, LOW).status is CheckStatus.DECIDED
        screen = [e for e in audit.entries_for(session, check_id) if e.action == "screen"][-1]
        assert '"source":"eu"' in screen.payload


def test_drafts_carry_their_proposed_risk_for_the_list(store: Store) -> None:
    low = new_check(store, company(store, name="A", sector="Widgets"))
    high = new_check(store, company(store, name="B"), CheckAnswers(oecd_declared=True, ncp_complaints="Union"))
    with store.session() as session:
        rows = checks.check_rows(session)
        assert [r.id for r in rows] == [high, low]
        assert rows[0].risk_level is RiskLevel.HIGH and rows[1].risk_level is RiskLevel.MEDIUM


@pytest.mark.parametrize(("text", "key"), [
    ("Textiles and clothing", "textiles"), ("textiles", "textiles"), ("Garment factory", "textiles"),
    ("IT", None), ("Art", None), ("", None)])
def test_sector_text_matches_whole_words_only(text: str, key: str | None) -> None:
    from postapp.conditions.risk_data import load

    assert load().sector_key(text) == key
