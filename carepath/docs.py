"""Documentation generated from the model's own data, so that it cannot drift from the code.

- ``docs/organisational_models.md`` is generated whole: its tables come from
  ``sim/presets.toml`` (values, reasons, sources), ``sim/scenario.py`` (defaults and field
  descriptions) and ``sim.model.LEVERS``; its narrative (what each mechanism does in the code,
  its evidence and its uncertainty) lives in ``MECHANISM_NOTES`` and ``PRESET_NOTES`` below.
- ``docs/ODD.md`` is hand-written except two marked blocks: the table of scenario parameters
  and the table of calibration targets (``experiments/calibration/targets.toml``).

Run ``python -m carepath.docs`` to regenerate, ``python -m carepath.docs --check`` to fail
(exit status 1) when a file is out of date; the test suite runs the check.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from carepath.sim.model import LEVERS
from carepath.sim.presets import PRESETS, SOURCES, Preset
from carepath.sim.scenario import AGE_BANDS, BandValues, NeedDistribution, Scenario

REPO = Path(__file__).resolve().parents[1]
ORG_MODELS_FILE = REPO / "docs" / "organisational_models.md"
ODD_FILE = REPO / "docs" / "ODD.md"
BASELINE = "in_house"
BLOCKS = ("parameters", "targets")


class DocsError(ValueError):
    """The documentation cannot be generated (a preset or parameter lacks its notes)."""


@dataclass(frozen=True)
class MechanismNote:
    """Hand-written documentation of one mechanism parameter that presets set.

    Attributes:
        title: a short name.
        unit: what the value measures.
        code: where and how the model uses it (module and function).
        evidence: what the seed articles and reference figures say.
        uncertainty: what is not known about its size.
        sensitivity_range: a range for sensitivity analysis (the modellers' judgement), or
            None for a switch.
    """

    title: str
    unit: str
    code: str
    evidence: str
    uncertainty: str
    sensitivity_range: tuple[float, float] | None


@dataclass(frozen=True)
class PresetNote:
    """Hand-written documentation of one organisational model."""

    evidence: str
    uncertainty: str


MECHANISM_NOTES: dict[str, MechanismNote] = {
    "workforce.admin_share": MechanismNote(
        title="Administration and bureaucracy",
        unit="share of paid time",
        code=(
            "`SocialWorker.daily_pathway_hours` (`sim/workforce.py`): a worker gives "
            "`hours_per_week / 7 × (1 − admin_share) × pathway_time_share × productivity` "
            "hours a day to assessments, reviews and rework, so a lower share means more "
            "assessments a day, shorter queues and shorter waits. It also sets "
            "`workforce.client_facing_share` in the summary."
        ),
        evidence=(
            "The social work practice pilots promise that 'the bureaucratic burden on "
            "individual social workers is reduced' (003); the care trust plus removes "
            "'duplication in management, planning and back-office functions' (002). No article "
            "gives a number, and the reference figures hold no measured administration share."
        ),
        uncertainty=(
            "The baseline 0.35 and every preset's value are the modellers' translation of "
            "qualitative claims. Waiting times respond strongly to this share when the team "
            "is short of time, so it is a first candidate for sensitivity analysis."
        ),
        sensitivity_range=(0.2, 0.5),
    ),
    "approval.council_checks_assessments": MechanismNote(
        title="Council checks every assessment",
        unit="yes / no",
        code=(
            "`Commissioner.request_approval` and `Commissioner.check_assessments` "
            "(`sim/commissioner.py`): a proposed package joins a first-come first-served "
            "queue that `approval.checker_fte` officers work through each day at "
            "`approval.check_hours` an assessment, before rework, sign-off or the funding "
            "panel. `CarePathwayModel._start_fixed_costs` pays the officers (ledger component "
            "`council_checking`)."
        ),
        evidence=(
            "A council has 'no power ... to outsource decision-making over resource "
            "allocation to an outside body', so it would have to check all assessments an "
            "enterprise or practice makes; this 'had the potential to increase bureaucracy "
            "and the length of time for approvals', though it 'need be little more than a "
            "tick box exercise' (Ed Mitchell, 001)."
        ),
        uncertainty=(
            "The legal point fixes the direction for every model outside the council; the "
            "size does not follow from it. Whether a check is a tick box or real "
            "bureaucracy is set by `approval.checker_fte` (2) and `approval.check_hours` "
            "(1.5), both assumptions: vary them together with this switch."
        ),
        sensitivity_range=None,
    ),
    "approval.rework_share": MechanismNote(
        title="Decisions sent back for more work",
        unit="share of decisions",
        code=(
            "`Commissioner._after_check` (`sim/commissioner.py`): with this chance a "
            "decision goes back to the social-work team as rework (`approval.rework_hours` "
            "of a worker's time, queued after hospital assessments and before community "
            "ones); the answer is resubmitted and, where the council checks, checked again."
        ),
        evidence=(
            "Concerns about 'conflict between councils and social work enterprises over the "
            "allocation of resources to service users following assessments' (001)."
        ),
        uncertainty=(
            "No article measures how often decisions are returned; all values (0.05 inside "
            "a council, 0.10-0.12 across an organisational boundary) are assumptions."
        ),
        sensitivity_range=(0.0, 0.25),
    ),
    "organisation.autonomy": MechanismNote(
        title="Professional autonomy",
        unit="morale points (morale runs from 0 to 1)",
        code=(
            "`SocialWorker.review_week` (`sim/workforce.py`): each week a worker's morale "
            "moves a tenth of the way towards `base_morale + autonomy − terms_risk − "
            "caseload overload − backlog pressure` (the team's waiting list and overdue "
            "reviews per worker against England's typical; ODD 7.11), plus noise. Morale "
            "sets productivity (× `0.85 + 0.25 × morale`) and the leaving hazard (× "
            "`exp(morale_effect_on_turnover × (base_morale − morale))`), hence vacancies, "
            "agency cover and capacity; through the backlog, a model that shortens the "
            "lists also keeps its staff longer."
        ),
        evidence=(
            "Outsourcing 'could boost social worker autonomy, and hence morale' (iMPOWER, "
            "001); practice staff 'feel empowered'; satisfaction in the children's pilots "
            "was high (003); employee ownership (004)."
        ),
        uncertainty=(
            "The only controlled evaluation in the reference figures, of the children's "
            "social work practice pilots (Hussein et al. 2014, 2,050 staff, three years), "
            "found no significant difference in main outcomes, only in job insecurity and "
            "social support. The gains here may be smaller than the presets assume."
        ),
        sensitivity_range=(0.0, 0.15),
    ),
    "organisation.terms_risk": MechanismNote(
        title="Risk to terms and conditions",
        unit="morale points (morale runs from 0 to 1)",
        code="As `organisation.autonomy`, with the opposite sign (`SocialWorker.review_week`).",
        evidence=(
            "BASW's concern that transfer puts 'terms and conditions' and 'salaries' at risk "
            "(001); unions warn of job losses when Suffolk outsources (000); Blackburn's "
            "plans were dropped in the face of union opposition (000); job insecurity "
            "differed in the children's practice pilots (Hussein et al. 2014)."
        ),
        uncertainty=(
            "The direction is documented; the sizes (0.03-0.10) are assumptions. The model "
            "has no pay: terms act only through morale."
        ),
        sensitivity_range=(0.0, 0.1),
    ),
    "organisation.overhead_share": MechanismNote(
        title="Back-office and contract overhead",
        unit="share of staff cost (negative: a saving)",
        code=(
            "`CarePathwayModel.pay_staff` (`sim/model.py`): every worker in post costs "
            "`(base pay + agency premium) × overhead_share` more a day (ledger component "
            "`organisation_overhead`). Money only: overheads do not change staff time."
        ),
        evidence=(
            "The care trust plus gets 'rid of duplication in management, planning and "
            "back-office functions' (002); an enterprise or mutual needs its own corporate "
            "functions and the council a contract team (001); small practices depended on "
            "council systems (SCIE 2012)."
        ),
        uncertainty="All sizes are assumptions; the reference figures hold no overhead costs.",
        sensitivity_range=(-0.1, 0.15),
    ),
    "organisation.setup_cost": MechanismNote(
        title="One-off set-up cost",
        unit="£",
        code=(
            "`CarePathwayModel._start_fixed_costs`: spent evenly over "
            "`organisation.setup_days` from day 0 (ledger component `setup`), reported as "
            "`cost.one_off_setup_total`. It changes no waiting time."
        ),
        evidence=(
            "'Considerable set-up costs in areas such as IT' (BASW, 001); DH funding 'to "
            "cover set up costs for each pilot site' (003); set-up was 'a complex and lengthy "
            "business' (SCIE 2012)."
        ),
        uncertainty=(
            "No article gives an amount; values are the modellers' scaling to a council of "
            "250,000 people. The disruption of a transition (staff distracted, systems "
            "changing) is not modelled, only its money."
        ),
        sensitivity_range=(0.0, 1_500_000.0),
    ),
    "organisation.contract_margin": MechanismNote(
        title="Contract margin",
        unit="share of staff cost and overhead",
        code=(
            "`CarePathwayModel.pay_staff`: a margin of `(base pay + agency premium + "
            "overhead) × contract_margin` a day (ledger component `contract_margin`)."
        ),
        evidence=(
            "Only a commercial supplier takes a profit (004 lists outsourcing to a third "
            "party; Suffolk, 000); enterprises, practices and mutuals reinvest any surplus "
            "(004)."
        ),
        uncertainty="The outsourced margin (8%) is an assumption.",
        sensitivity_range=(0.0, 0.15),
    ),
    "organisation.savings_target_share": MechanismNote(
        title="Savings taken from the establishment",
        unit="share of funded posts",
        code=(
            "`SocialWorkTeam.__init__` (`sim/workforce.py`): the team has "
            "`round(establishment_fte × (1 − savings_target_share))` funded posts, so "
            "savings mean fewer workers and longer queues."
        ),
        evidence=(
            "Birmingham planned to save £4.8m over two years through its enterprise (001); "
            "Suffolk outsourced 'to cut costs' (000); Swindon expected its enterprise to "
            "help meet savings targets (000)."
        ),
        uncertainty=(
            "BASW asked 'how the savings would be made without job or pay cuts or a "
            "worsening service' (001): that savings come from posts is the modellers' "
            "reading, and the shares (2-8%) are assumptions."
        ),
        sensitivity_range=(0.0, 0.1),
    ),
    "organisation.purchasing_discount": MechanismNote(
        title="Market power in purchasing",
        unit="share off the price of care",
        code=(
            "`CarePathwayModel.daily_price` (`sim/model.py`): the council pays `(1 − "
            "discount)` of the price of home care and care homes. "
            "`CarePathwayModel._home_care_capacity`: home-care providers offer capacity in "
            "proportion to `(price / reference price) ** supply_elasticity`, so a lower "
            "price also buys less capacity."
        ),
        evidence=(
            "A combined health and care organisation would have 'greater market power in "
            "purchasing health and care services from providers' (002)."
        ),
        uncertainty=(
            "The size (3%) is an assumption, and so is the supply response: whether market "
            "power lowers prices without lowering supply is the open question, and the "
            "model makes it a trade-off."
        ),
        sensitivity_range=(0.0, 0.05),
    ),
    "integration.discharge_to_assess_share": MechanismNote(
        title="Discharge to assess",
        unit="share of pathway 1-2 discharges",
        code=(
            "`ServiceUser.arrive_in_hospital` and `ServiceUser.plan_discharge` "
            "(`sim/agents.py`): this share of patients (by their latent draw `u_d2a`) go "
            "home with re-ablement first, queued ahead of the community, without waiting "
            "for an assessment; without a place within "
            "`reablement.max_wait_days_in_hospital` they are referred for an assessment."
        ),
        evidence=(
            "Torbay's integrated care trust had 'minimal delayed transfers of care' "
            "(King's Fund 2011); Swindon considered 'integrating with local hospitals' (000)."
        ),
        uncertainty=(
            "The shares are assumptions, and the effect depends on re-ablement capacity: "
            "discharge to assess without more places crowds the re-ablement queue and can "
            "raise long-term care entries."
        ),
        sensitivity_range=(0.0, 1.0),
    ),
    "integration.early_referral_days": MechanismNote(
        title="Early referral from hospital",
        unit="days before medical fitness",
        code=(
            "`ServiceUser.arrive_in_hospital` schedules `ServiceUser.early_referral` this "
            "many days before the patient is medically fit: a state-funded patient not "
            "discharged to assess joins the urgent assessment queue early, so fewer "
            "bed-days are lost waiting for an assessment."
        ),
        evidence=(
            "Integrated teams start discharge planning before medical fitness (Torbay, "
            "King's Fund 2011); hospital-based social workers in a shared service (000)."
        ),
        uncertainty="The lead times (2-3 days) are assumptions.",
        sensitivity_range=(0.0, 5.0),
    ),
    "practice.creative_support_share": MechanismNote(
        title="Flexible, creative use of resources",
        unit="extra chance an eligible need is met without a package",
        code=(
            "`ServiceUser.complete_assessment` (`sim/agents.py`): an eligible person who "
            "does not need a care home is supported by family and community instead of a "
            "funded package if their latent draw `u_resolve` falls below "
            "`community_resolution_share + creative_support_share` (+ "
            "`strengths_community_uplift` under strengths-based practice)."
        ),
        evidence=(
            "Practices 'make use of the increased financial flexibility to deliver better "
            "outcomes by stepping back and thinking creatively about resource use' (003); a "
            "mutual reinvests its surplus (004)."
        ),
        uncertainty=(
            "Whether flexibility avoids packages or only reshapes them is unknown; the "
            "values (2-5 points) are assumptions."
        ),
        sensitivity_range=(0.0, 0.1),
    ),
}

PRESET_NOTES: dict[str, PresetNote] = {
    "in_house": PresetNote(
        evidence=(
            "Barnet's consultation (004): a reformed in-house service was the most popular "
            "option (50% of respondents) and was taken forward for further work, with a "
            "shared NHS service. Its values are the schema defaults, sized from England's "
            "published figures."
        ),
        uncertainty=(
            "Every other model is measured against this one on common random numbers, so "
            "differences between presets are more robust than the levels of any one of them. "
            "The behavioural parameters are not yet fitted to England (`carepath calibrate`)."
        ),
    ),
    "social_enterprise": PresetNote(
        evidence=(
            "Swindon (000): staff move to the enterprise, commissioners keep the budget. "
            "Birmingham (001): an enterprise for assessment and care management, £4.8m of "
            "savings over two years, set-up costs in IT, risks to terms and conditions, "
            "more autonomy, and the council's duty to check every assessment."
        ),
        uncertainty=(
            "The sources are proposals and stakeholders' expectations, not evaluations: "
            "neither plan's results are in the evidence, and Blackburn dropped a similar "
            "plan (000). Morale gains and losses nearly cancel (autonomy 0.05 against "
            "terms risk 0.06), so the sign of the net workforce effect is itself uncertain. "
            "With these values the enterprise costs the council more than the in-house "
            "service even before set-up: about £0.3m a year saved on posts against about "
            "£0.7m of overheads and council checking. Birmingham expected to save £4.8m over "
            "two years (about £0.5m a year scaled to 250,000 people); the preset does not "
            "assume the savings materialise."
        ),
    ),
    "social_work_practice": PresetNote(
        evidence=(
            "The Department of Health's announcement of adult pilots (003): less "
            "bureaucracy, more time with clients, decisions closer to clients, financial "
            "flexibility, staff satisfaction. A practice outside the council still needs "
            "its allocation decisions checked (001). SCIE's mid-point report (2012): "
            "set-up was complex and lengthy; pilots depended on council systems."
        ),
        uncertainty=(
            "003 is a press release announcing pilots, not a result. The children's pilots' "
            "controlled evaluation (Hussein et al. 2014) found no significant difference in "
            "main outcomes. A 'no benefit' variant (admin share, autonomy and creative "
            "support at in-house values, costs kept) brackets this preset in experiments."
        ),
    ),
    "care_trust_plus": PresetNote(
        evidence=(
            "Blackburn with Darwen's plan (002): no duplicated management, planning or back "
            "office, and market power in purchasing. Torbay's care trust (King's Fund 2011): "
            "occupied beds fell from 750 to 502 over a decade, emergency bed-days of people "
            "65+ were well below the region's, and delayed transfers were minimal."
        ),
        uncertainty=(
            "Torbay's results came over ten years with many changes at once; how much is due "
            "to the organisational form is not known. The discharge values (80% discharge to "
            "assess, referral 3 days early) are the modellers' reading of 'minimal delayed "
            "transfers'. Care trusts can unwind: Bexley's functions went back to the council "
            "(002)."
        ),
    ),
    "nhs_shared_service": PresetNote(
        evidence=(
            "Barnet's option 2, a shared service with an NHS trust, supported by 40% of "
            "respondents and taken forward (004); Swindon's alternative of integrating with "
            "local hospitals (000)."
        ),
        uncertainty=(
            "Neither source describes how the service would work; the values sit between "
            "the in-house service and the care trust plus, and are assumptions in size."
        ),
    ),
    "public_service_mutual": PresetNote(
        evidence=(
            "Barnet's option 3 (004): an employee-owned organisation that reinvests any "
            "profit in the service; the least favoured option, not recommended."
        ),
        uncertainty=(
            "There is no evidence on outcomes. The preset treats a mutual as an enterprise "
            "(council checks, transfer risk, own overheads) with a morale gain from ownership."
        ),
    ),
    "outsourced": PresetNote(
        evidence=(
            "Barnet had discounted outsourcing to a third party (004); Suffolk planned to "
            "outsource all services to cut costs, with unions warning of job losses (000); "
            "Blackburn found legal barriers to outsourcing care management (000), and "
            "allocation must stay with the council (001)."
        ),
        uncertainty=(
            "Four of its values (margin, overhead, set-up, extra recording) are cited to "
            "assumption: no source describes a supplier's terms."
        ),
    ),
}

# Descriptions for scenario fields whose schema gives none (the schema's own text wins).
PARAMETER_NOTES: dict[str, str] = {
    "name": "Scenario name, shown in outputs.",
    "population.total": "Residents of the council, all ages.",
    "population.age_shares": (
        "Share of residents in each adult age band (ONS mid-year estimates for England); "
        "the rest are children."
    ),
    "demand.need_at_contact": (
        "Beta distribution (mean, concentration) of the need score of a first contact from "
        "the community (assumption)."
    ),
    "mortality.care_home_multiplier": "Death hazard multiplier in a care home (assumption).",
    "hospital.length_of_stay_mean_days": (
        "Mean days from admission to medical fitness (lognormal; assumption)."
    ),
    "hospital.length_of_stay_sd_days": "Standard deviation of that time (assumption).",
    "hospital.need_rise_on_admission": "Need added when a known client is admitted (assumption).",
    "hospital.self_funder_arrangement_days": (
        "Mean days a self-funder takes to arrange their own care once medically fit "
        "(exponential; assumption)."
    ),
    "workforce.hours_per_week": "Contracted weekly hours of a social worker.",
    "workforce.initial_vacancy_rate": (
        "Vacant share of posts on day 0 (Skills for Care 2023: 10.5%)."
    ),
    "workforce.agency_start_days": "Days before an agency locum starts in a vacated post.",
    "workforce.base_morale": (
        "Morale (0-1) with a manageable caseload and no organisational change; leaving "
        "hazard is annual_turnover at this morale."
    ),
    "workforce.caseload_effect_on_morale": (
        "Fall in target morale per unit of overload (caseload / manageable caseload − 1)."
    ),
    "workforce.new_starter_productivity": (
        "Productivity of a permanent recruit in their first 180 days."
    ),
    "assessment.min_elapsed_days": (
        "Calendar days an assessment takes at least (visits, information from others)."
    ),
    "assessment.review_hours": "Worker hours per review of a long-term client (assumption).",
    "assessment.review_interval_days": "Days between reviews of a long-term client.",
    "eligibility.threshold": (
        "FACS band from which needs are eligible; need scores: low 0.15, moderate 0.3, "
        "substantial 0.45, critical 0.6, super_critical 0.72 (Birmingham's plan, 001)."
    ),
    "eligibility.care_home_need_with_carer": (
        "Need above which a care home is needed when an informal carer is present."
    ),
    "eligibility.reablement_max_need": "Highest need at which re-ablement is offered.",
    "approval.check_hours": "Council officer hours to check one assessment (assumption).",
    "approval.rework_hours": "Social-worker hours to answer a returned decision (assumption).",
    "approval.panel_interval_days": "Days between funding panels.",
    "reablement.duration_mean_days": (
        "Mean length of a re-ablement episode (lognormal, sd 40% of the mean)."
    ),
    "reablement.max_days": "Longest re-ablement episode (six weeks).",
    "reablement.success_at_zero_need": (
        "Chance re-ablement ends with the person independent at need 0 (linear in need; "
        "assumption)."
    ),
    "reablement.success_at_full_need": "The same chance at need 1 (assumption).",
    "reablement.need_reduction": "Fall in need after successful re-ablement (assumption).",
    "home_care.capacity_hours_per_week": (
        "Home-care hours a week providers offer at the reference price (assumption)."
    ),
    "home_care.hours_at_zero_need": (
        "Weekly package hours = hours_at_zero_need + hours_per_need × need (assumption)."
    ),
    "home_care.hours_per_need": "See hours_at_zero_need (assumption).",
    "care_homes.places": "Care-home places the council can buy (assumption).",
    "care_homes.nursing_per_week": "Weekly price of a nursing place (assumption).",
    "care_homes.nursing_need": "Need from which a resident needs, and is charged for, nursing.",
    "commissioning.tighten_under_pressure": (
        "Whether the commissioner raises the eligibility threshold when overspent."
    ),
    "organisation.preset": "Organisational model (see docs/organisational_models.md).",
    "organisation.setup_days": "Days over which the set-up cost is spent.",
    "organisation.contract_margin": "A provider's margin on staff cost and overhead.",
    "initial.home_care_need_mean": (
        "Mean need of the initial home-care caseload (Beta, concentration 8; assumption)."
    ),
    "initial.care_home_need_mean": (
        "Mean need of the initial care-home residents (Beta, concentration 10; assumption)."
    ),
    "initial.home_care_bands": "Age-band mix of the initial home-care caseload (assumption).",
    "initial.care_home_bands": "Age-band mix of the initial care-home residents (assumption).",
}


# -- formatting -------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    """A parameter value as a reader (and a TOML file) would write it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 1000 else str(value)
    if isinstance(value, float):
        if value.is_integer():
            return fmt(int(value))
        return repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, BandValues):
        return "; ".join(
            f"{band}: {fmt(v)}" for band, v in zip(AGE_BANDS, value.as_tuple(), strict=True)
        )
    if isinstance(value, NeedDistribution):
        return f"mean {fmt(value.mean)}, concentration {fmt(value.concentration)}"
    if isinstance(value, tuple | list):
        return ", ".join(fmt(v) for v in value)
    if value is None:
        return "(automatic)"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    aligns = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _scenario_fields() -> list[tuple[str, str, Any, str | None]]:
    """(section, dotted path, default, schema description) of every scenario field."""
    fields = []
    defaults = Scenario()

    def walk(model: BaseModel, prefix: str, section: str) -> None:
        for name, info in type(model).model_fields.items():
            value = getattr(model, name)
            path = f"{prefix}{name}"
            if isinstance(value, BaseModel) and not isinstance(
                value, BandValues | NeedDistribution
            ):
                walk(value, f"{path}.", name)
            else:
                fields.append((section, path, value, info.description))

    walk(defaults, "", "scenario")
    return fields


def _description(path: str, schema: str | None) -> str:
    if schema:
        return schema
    if path in PARAMETER_NOTES:
        return PARAMETER_NOTES[path]
    raise DocsError(
        f"{path}: no description; add one to the field in sim/scenario.py "
        "(or to PARAMETER_NOTES in carepath/docs.py)"
    )


def _field_description(path: str) -> str:
    for _, field_path, _, schema in _scenario_fields():
        if field_path == path:
            return _description(path, schema)
    raise DocsError(f"{path}: not a scenario field")


# -- organisational models --------------------------------------------------------------------
_INTRO = """\
An organisational model (a *preset*) is a set of values for {n_mech} mechanism parameters.
Nothing in the model branches on a preset's name: each parameter feeds a mechanism (staff time,
an approval queue, morale and turnover, overheads, prices, discharge routes), and differences in
waiting times, delayed discharges, independence, the workforce and cost emerge from those
mechanisms. Values are layered: schema defaults, then calibrated values (`sim/calibrated.toml`,
when present), then the preset, then a scenario file, then `--set`, so any value here can be overridden (`carepath run --preset social_enterprise --set
organisation.autonomy=0`).

Two presets run on the same seed see the same people arrive with the same latent luck (common
random numbers), so their differences come from the organisational model alone.

**How much to trust this.** The seed articles (`000`-`004`) are news reports, a government press
release and a council news item about *proposals*. They give the direction of each mechanism;
they rarely give a size. The reference figures add a few evaluations (Hussein et al. 2014; SCIE
2012; King's Fund 2011). So most sizes below are the modellers' assumptions, marked `assumption`
or explained in the reason. Read differences between presets as *what follows if the claims
behind them hold*, and explore the ranges given for each mechanism rather than quoting one run.
"""

_FOOTER = """\
## Regenerating this file

```bash
python -m carepath.docs          # rewrite docs/organisational_models.md and ODD.md's tables
python -m carepath.docs --check  # exit status 1 if they are out of date (run by the tests)
```
"""


def _sources_cited(preset: Preset) -> list[str]:
    cited = {p.source for p in preset.parameters}
    return sorted(cited | set(preset.sources))


def organisational_models_markdown(
    presets: Mapping[str, Preset] | None = None,
    sources: Mapping[str, str] | None = None,
) -> str:
    """The whole of ``docs/organisational_models.md``.

    Args:
        presets: organisational models (default: ``sim.presets.PRESETS``).
        sources: source keys and their descriptions (default: ``sim.presets.SOURCES``).

    Raises:
        DocsError: if a preset, mechanism or source lacks its documentation.
    """
    presets = dict(PRESETS if presets is None else presets)
    sources = dict(SOURCES if sources is None else sources)
    if BASELINE not in presets:
        raise DocsError(f"presets: the baseline {BASELINE!r} is missing")
    mechanisms = [p.path for p in presets[BASELINE].parameters]
    for name, preset in presets.items():
        paths = [p.path for p in preset.parameters]
        if sorted(paths) != sorted(mechanisms):
            raise DocsError(f"preset {name!r}: sets {paths}, not the mechanisms {mechanisms}")
        if name not in PRESET_NOTES:
            raise DocsError(f"preset {name!r}: no entry in PRESET_NOTES (carepath/docs.py)")
        for key in _sources_cited(preset):
            if key not in sources:
                raise DocsError(f"preset {name!r}: source {key!r} is not in [sources]")
    for path in mechanisms:
        if path not in MECHANISM_NOTES:
            raise DocsError(f"{path}: no entry in MECHANISM_NOTES (carepath/docs.py)")
    values = {name: {p.path: p for p in preset.parameters} for name, preset in presets.items()}
    base = values[BASELINE]

    out = [
        "<!-- Generated by `python -m carepath.docs` from sim/presets.toml, sim/scenario.py and "
        "carepath/docs.py. Do not edit: edit those and regenerate. -->",
        "",
        "# Organisational models",
        "",
        _INTRO.format(n_mech=len(mechanisms)).rstrip(),
        "",
        "## The presets at a glance",
        "",
    ]
    out += _table(
        ["preset", "title", "what changes", "articles"],
        [[f"`{name}`", p.title, p.summary, ", ".join(p.sources)] for name, p in presets.items()],
    )
    out += [
        "",
        "## Mechanism parameters by preset",
        "",
        f"Values that differ from the baseline (`{BASELINE}`) are in bold.",
        "",
    ]
    rows = []
    for path in mechanisms:
        row = [f"`{path}`", MECHANISM_NOTES[path].unit]
        for name in presets:
            value = values[name][path].value
            text = fmt(value)
            row.append(text if value == base[path].value else f"**{text}**")
        rows.append(row)
    out += _table(["parameter", "unit", *presets], rows, "ll" + "r" * len(presets))
    out += [
        "",
        "Where each preset's values come from. An article usually fixes only the direction of a "
        "value; its size is still the modellers' (see each mechanism's uncertainty below).",
        "",
    ]
    out += _table(
        ["preset", "values cited to `assumption`", "values cited to an article or figure"],
        [
            [
                f"`{name}`",
                str(sum(p.source == "assumption" for p in preset.parameters)),
                str(sum(p.source != "assumption" for p in preset.parameters)),
            ]
            for name, preset in presets.items()
        ],
        "lrr",
    )
    out += ["", "## Sources", ""]
    out += _table(["key", "source"], [[f"`{key}`", text] for key, text in sorted(sources.items())])

    out += ["", "## Mechanisms", ""]
    for path in mechanisms:
        note = MECHANISM_NOTES[path]
        by_value: dict[str, list[str]] = {}
        for name in presets:
            by_value.setdefault(fmt(values[name][path].value), []).append(f"`{name}`")
        spread = "; ".join(f"{v}: {', '.join(names)}" for v, names in by_value.items())
        out += [
            f"### `{path}`: {note.title}",
            "",
            f"*{_field_description(path)}* Unit: {note.unit}.",
            "",
            f"- **In the code.** {note.code}",
            f"- **Evidence.** {note.evidence}",
            f"- **Uncertainty.** {note.uncertainty}",
            f"- **Values.** {spread}.",
        ]
        if note.sensitivity_range is not None:
            low, high = note.sensitivity_range
            out.append(
                f"- **Range for sensitivity analysis** (modellers' judgement): "
                f"{fmt(low)} to {fmt(high)}."
            )
        out.append("")

    out += ["## Presets", ""]
    for name, preset in presets.items():
        note = PRESET_NOTES[name]
        out += [
            f"### `{name}`: {preset.title}",
            "",
            preset.summary,
            "",
            f"- **Evidence.** {note.evidence}",
            f"- **Uncertainty.** {note.uncertainty}",
            f"- **Sources cited:** {', '.join(f'`{k}`' for k in _sources_cited(preset))}.",
            f"- **Run it:** `carepath run --preset {name}`; "
            f"see its values with `carepath presets {name}`.",
            "",
        ]
        out += _table(
            ["parameter", "value", "baseline", "source", "reason"],
            [
                [
                    f"`{p.path}`",
                    fmt(p.value),
                    "same" if p.value == base[p.path].value else fmt(base[p.path].value),
                    f"`{p.source}`",
                    p.reason,
                ]
                for p in preset.parameters
            ],
            "lrrll",
        )
        out.append("")

    out += [
        "## Levers that are not organisational models",
        "",
        "These are set independently of the preset (in a scenario file, with `--set`, or as "
        "keyword arguments of `CarePathwayModel`, as listed in `sim.model.LEVERS`):",
        "",
    ]
    defaults = {path: value for _, path, value, _ in _scenario_fields()}
    out += _table(
        ["keyword", "scenario field", "default", "what it is"],
        [
            [f"`{kw}`", f"`{path}`", fmt(defaults[path]), _field_description(path)]
            for kw, path in LEVERS.items()
        ],
        "llrl",
    )
    out += ["", _FOOTER.rstrip(), ""]
    return "\n".join(out)


# -- ODD blocks -------------------------------------------------------------------------------
def parameters_markdown() -> str:
    """A table of every scenario parameter, its default and its description or source.

    Raises:
        DocsError: if a field has no description in the schema or in ``PARAMETER_NOTES``.
    """
    out: list[str] = []
    for section, fields in itertools.groupby(_scenario_fields(), key=lambda field: field[0]):
        if out:
            out.append("")
        model = Scenario.model_fields.get(section)
        title = (
            (model.annotation.__doc__ or "").strip().splitlines()[0]
            if model is not None and model.annotation is not None
            else "The scenario as a whole."
        )
        out += [f"**`{section}`**: {title}", ""]
        out += _table(
            ["parameter", "default", "description and source"],
            [
                [f"`{path}`", fmt(value), _description(path, schema)]
                for _, path, value, schema in fields
            ],
            "lrl",
        )
    return "\n".join(out)


def targets_markdown(path: str | Path | None = None) -> str:
    """A table of the calibration targets, scaled to the default council."""
    from carepath.experiments.calibration import default_adults, load

    calibration = load(path)
    adults = default_adults()
    rows = []
    for t in calibration.targets:
        per = " + ".join(f"`{k}`" for k in t.per)
        kpi = f"`{t.kpi}`" + (f" ÷ ({per})" if len(t.per) > 1 else f" ÷ {per}" if per else "")
        rows.append(
            [
                f"`{t.name}`",
                t.use,
                kpi,
                f"{t.expected(adults):.4g}",
                str(t.tolerance),
                f"{t.source} ({f'line {t.reference_line}' if t.reference_line else t.url})",
            ]
        )
    out = _table(
        [
            "target",
            "use",
            "KPI",
            "target value",
            "tolerance",
            "source (england_figures.md line, or address)",
        ],
        rows,
        "lllrrl",
    )
    out += [
        "",
        f"Scaled to the default council ({adults:,.0f} adults; England "
        f"{calibration.england_adults:,.0f}). Figures taken directly as inputs: "
        + ", ".join(f"`{i.parameter}`" for i in calibration.inputs)
        + ". Figures without a comparable KPI yet: "
        + ", ".join(f"`{u.name}`" for u in calibration.unmapped)
        + " (see `targets.toml` for what each would need).",
    ]
    return "\n".join(out)


def _markers(block: str) -> tuple[str, str]:
    return (
        f"<!-- generated:{block} (python -m carepath.docs) -->",
        f"<!-- end generated:{block} -->",
    )


def render_odd(text: str) -> str:
    """``text`` (ODD.md) with its generated blocks brought up to date.

    Raises:
        DocsError: if a block's markers are missing.
    """
    content = {"parameters": parameters_markdown, "targets": targets_markdown}
    for block in BLOCKS:
        start, end = _markers(block)
        head, found, rest = text.partition(start)
        _, found_end, tail = rest.partition(end)
        if not found or not found_end:
            raise DocsError(f"ODD.md: markers for the {block!r} block are missing ({start})")
        # Blank lines keep the markers (HTML comments) from running into the tables.
        text = f"{head}{start}\n\n{content[block]()}\n\n{end}{tail}"
    return text


def expected_files() -> dict[Path, str]:
    """Each generated file and the content it should have now."""
    files = {ORG_MODELS_FILE: organisational_models_markdown()}
    if ODD_FILE.exists():
        files[ODD_FILE] = render_odd(ODD_FILE.read_text(encoding="utf-8"))
    return files


def main(argv: list[str] | None = None) -> int:
    """``python -m carepath.docs [--check]``."""
    parser = argparse.ArgumentParser(
        prog="python -m carepath.docs",
        description="Regenerate the documentation generated from presets, scenario and targets.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file is out of date"
    )
    args = parser.parse_args(argv)
    try:
        files = expected_files()
    except DocsError as exc:
        print(f"carepath.docs: error: {exc}", file=sys.stderr)
        return 2
    stale = [
        path
        for path, text in files.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    if args.check:
        for path in stale:
            print(
                f"carepath.docs: {_shown(path)} is out of date; run: python -m carepath.docs",
                file=sys.stderr,
            )
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path], encoding="utf-8")
        print(f"wrote {_shown(path)}")
    return 0


def _shown(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


if __name__ == "__main__":
    sys.exit(main())
