"""The risk-based flow: from a check's answers to a proposed risk level with its reasons, and to what
is still missing before a decision may be taken. Pure functions of the check and the reference data,
so the same answers give the same proposal at every post.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from postapp.conditions.models import (
    OECD_STEPS,
    CheckStatus,
    ConditionCheck,
    Decision,
    RiskLevel,
    StepAnswer,
    Verdict,
)
from postapp.conditions.risk_data import Risk, RiskData
from postapp.i18n import N_, _

MINERALS = ("tin", "tantalum", "tungsten", "gold")
MINERAL_LABELS = {"tin": N_("tin"), "tantalum": N_("tantalum"), "tungsten": N_("tungsten"), "gold": N_("gold")}

# Gender-responsive due diligence (OECD guidance; UN Working Group "Gender Dimensions of the UNGPs").
GENDER_QUESTIONS: dict[str, str] = {
    "risks_identified": N_("Has the company identified risks that affect women and girls differently in its "
                           "value chain?"),
    "safe_grievance": N_("Can women raise complaints safely, including about harassment, through the company's "
                         "grievance mechanism?"),
    "equal_pay": N_("Does the company check equal pay and a living wage for women workers?"),
    "consultation": N_("Does the company consult women workers and women's organisations?"),
}

REASONS: dict[str, str] = {
    "sanctions_true_match": N_("The company matches an entry on a sanctions list ({name})."),
    "ncp_complaint": N_("A complaint about the company is known at the National Contact Point (NCP)."),
    "country_sector_high": N_("High risks for {sector} in {country}: {themes}."),
    "country_sector_medium": N_("Medium risks for {sector} in {country}: {themes}."),
    "no_risk_data": N_("The reference data has no risk profile for sector '{sector}' in {country}; "
                       "assess the risks by hand."),
    "conflict_minerals_cahra": N_("Conflict minerals ({minerals}) from conflict-affected or high-risk areas."),
    "conflict_minerals": N_("The company handles conflict minerals ({minerals}); their origin is to be checked."),
    "target_group_not_declared": N_("A large company in the government's 90% target group that has not declared "
                                    "it applies the OECD Guidelines."),
    "not_declared": N_("The company has not declared that it knows and applies the OECD Guidelines."),
    "declaration_unknown": N_("It is not yet known whether the company applies the OECD Guidelines."),
    "gender_gaps": N_("Gender-responsive due diligence falls short on {count} of the {total} questions while "
                      "this sector and country carry gender-specific risks."),
    "no_signals": N_("No risk signals in the answers, the reference data or the sanctions screening."),
}


class Reason(NamedTuple):
    code: str
    level: RiskLevel
    params: dict[str, Any]

    def text(self) -> str:
        return _(REASONS[self.code]).format(**self.params)

    def stored(self) -> dict[str, Any]:
        return {"code": self.code, "level": self.level.value, "params": self.params}


def reason_from_stored(raw: dict[str, Any]) -> Reason:
    return Reason(str(raw["code"]), RiskLevel(raw["level"]), dict(raw.get("params", {})))


class Assessment(NamedTuple):
    level: RiskLevel
    reasons: list[Reason]
    risks: tuple[Risk, ...]


def _themes(data: RiskData, risks: list[Risk]) -> str:
    return ", ".join(sorted({data.theme_label(r.theme) for r in risks}))


def assess(check: ConditionCheck, data: RiskData) -> Assessment:
    """Proposes a risk level: the highest level any reason carries, with every reason listed."""
    org = check.organisation
    reasons: list[Reason] = []
    true_hits = [h for h in check.hits if h.verdict is Verdict.TRUE_MATCH]
    if true_hits:
        reasons.append(Reason("sanctions_true_match", RiskLevel.HIGH, {"name": true_hits[0].primary_name}))
    if check.ncp_complaints.strip():
        reasons.append(Reason("ncp_complaint", RiskLevel.HIGH, {}))
    country = data.country_label(check.host_country)
    risks = data.lookup(check.host_country, org.sector)
    sector_key = data.sector_key(org.sector)
    sector = data.sector_label(sector_key) if sector_key else org.sector
    if risks is None:
        reasons.append(Reason("no_risk_data", RiskLevel.MEDIUM, {"sector": org.sector or "?", "country": country}))
        risks = ()
    high = [r for r in risks if r.level == "high"]
    medium = [r for r in risks if r.level == "medium"]
    if high:
        reasons.append(Reason("country_sector_high", RiskLevel.HIGH,
                              {"sector": sector, "country": country, "themes": _themes(data, high)}))
    elif medium:
        reasons.append(Reason("country_sector_medium", RiskLevel.MEDIUM,
                              {"sector": sector, "country": country, "themes": _themes(data, medium)}))
    if check.conflict_minerals:
        minerals = ", ".join(_(MINERAL_LABELS[m]) for m in check.minerals if m in MINERAL_LABELS) or "3TG"
        if check.minerals_from_cahra is False:
            reasons.append(Reason("conflict_minerals", RiskLevel.MEDIUM, {"minerals": minerals}))
        else:
            reasons.append(Reason("conflict_minerals_cahra", RiskLevel.HIGH, {"minerals": minerals}))
    if check.oecd_declared is False:
        if org.in_target_group:
            reasons.append(Reason("target_group_not_declared", RiskLevel.HIGH, {}))
        else:
            reasons.append(Reason("not_declared", RiskLevel.MEDIUM, {}))
    elif check.oecd_declared is None:
        reasons.append(Reason("declaration_unknown", RiskLevel.MEDIUM, {}))
    gaps = sum(1 for key in GENDER_QUESTIONS if check.gender_answers.get(key) == StepAnswer.NO.value)
    if gaps and any(r.gender for r in risks):
        reasons.append(Reason("gender_gaps", RiskLevel.MEDIUM, {"count": gaps, "total": len(GENDER_QUESTIONS)}))
    if not reasons:
        reasons.append(Reason("no_signals", RiskLevel.LOW, {}))
    level = max((r.level for r in reasons), key=lambda lv: lv.rank)
    return Assessment(level, reasons, risks)


def step_done(check: ConditionCheck, number: int) -> bool:
    step = next((s for s in check.steps if s.step == number), None)
    return step is not None and step.has_evidence and step.answer in (StepAnswer.YES, StepAnswer.PARTLY)


def progress(check: ConditionCheck, level: RiskLevel, list_available: bool) -> list[bool]:
    """Which of the form's five parts are complete: profile, due diligence, risks, sanctions, decision."""
    return [
        True,
        check.oecd_declared is not None and all(step_done(check, n) for n in steps_needing_evidence(level)),
        check.conflict_minerals is not None,
        (check.screened_at is not None or not list_available)
        and all(h.verdict is not Verdict.UNDECIDED for h in check.hits),
        check.status is CheckStatus.CONFIRMED,
    ]


def steps_needing_evidence(level: RiskLevel) -> range:
    """Low risk: a short check. Medium: policy and risk identification shown. High: all six steps."""
    return {RiskLevel.LOW: range(1, 1), RiskLevel.MEDIUM: range(1, 3),
            RiskLevel.HIGH: range(1, OECD_STEPS + 1)}[level]


def missing_for_decision(check: ConditionCheck, level: RiskLevel, decision: Decision | None,
                         list_available: bool, list_imported_at: dt.datetime | None = None) -> list[str]:
    """What must still be done before ``decision`` can be recorded, as sentences for the user."""
    missing: list[str] = []
    if list_available and check.screened_at is None:
        missing.append(_("Screen the company against the sanctions list."))
    elif list_imported_at is not None and check.screened_at is not None and check.screened_at < list_imported_at:
        missing.append(_("A newer sanctions list was imported after the screening: screen the company again."))
    undecided = [h for h in check.hits if h.verdict is Verdict.UNDECIDED]
    if undecided:
        missing.append(_("Mark each sanctions hit as a true or false match ({count} open).").format(
            count=len(undecided)))
    if decision is None or not decision.positive:
        return missing
    if any(h.verdict is Verdict.TRUE_MATCH for h in check.hits):
        missing.append(_("A company on a sanctions list cannot be supported: only 'no support' is possible."))
    if check.oecd_declared is None:
        missing.append(_("Record whether the company declared that it knows and applies the OECD Guidelines."))
    for number in steps_needing_evidence(level):
        if not step_done(check, number):
            missing.append(_("Due-diligence step {step}: evidence and a yes or partly answer are needed "
                             "at this risk level.").format(step=number))
    return missing
