"""The Hospital: emergency admissions, medical fitness, discharge pathways and delays."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
from carepath.sim.engine.ledger import Integrator
from carepath.sim.states import State

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.person import ServiceUser

_AWAITING_LONG_TERM_CARE = frozenset(
    (
        State.AWAITING_HOME_CARE,
        State.AWAITING_DIRECT_PAYMENT,
        State.AWAITING_SUPPORTED_LIVING,
        State.AWAITING_CARE_HOME,
    )
)


class Hospital(mesa.Agent):
    """The local acute trust, as social care sees it.

    Admits people from the community (only those discharged on pathways 1-3 become service
    users; pathway 0 goes home with no new support and is only counted) and people already
    receiving care. Delayed bed-days accrue from medical fitness to discharge.
    """

    def __init__(self, model: CarePathwayModel) -> None:
        super().__init__(model)
        cfg = model.config
        sizes = cfg.population.band_sizes()
        rates = cfg.hospital.admissions_per_person_year.as_tuple()
        self.daily_admission_rates = [n * r / 365.0 for n, r in zip(sizes, rates, strict=True)]
        self.admissions = 0
        self.delayed_people: set[ServiceUser] = set()
        # Of them, those waiting for long-term support: kept as people move (`delayed_moved`)
        # rather than counted each day, when the daily series asks for it.
        self._delayed_awaiting = 0
        self.in_beds = 0
        self.delayed_bed_days = Integrator()

    def admit_from_community(self) -> None:
        """Daily: emergency admissions of people not yet known to social care."""
        model = self.model
        cfg = model.config.hospital
        stream = model.streams["admissions"]
        counts = stream.generator.poisson(self.daily_admission_rates)
        cumulative = [sum(cfg.pathway_shares[: i + 1]) for i in range(4)]
        for band, count in enumerate(counts.tolist()):
            for _ in range(count):
                u = stream.uniform()
                pathway = next(i for i, c in enumerate(cumulative) if u < c or i == 3)
                los = stream.lognormal(cfg.length_of_stay_mean_days, cfg.length_of_stay_sd_days)
                if pathway == 0:
                    self.admissions += 1
                    continue
                need = model.hospital_need(pathway)
                person = model.new_person(stream, band, need, hospital=True)
                model.tally.contact(person.person_id, band, person.traits.group, hospital=True)
                person.arrive_in_hospital(pathway, los)

    def admitted(self) -> None:
        """A service user takes a bed."""
        self.admissions += 1
        self.in_beds += 1

    def discharged(self) -> None:
        """A service user leaves their bed (home, to care, or on death)."""
        self.in_beds -= 1

    @property
    def delayed_now(self) -> int:
        """Medically fit patients still in a bed."""
        return len(self.delayed_people)

    def delayed_awaiting_long_term_care(self) -> int:
        """Delayed patients whose discharge waits for long-term support (at home or in a home)."""
        return self._delayed_awaiting

    def delayed_moved(self, before: State, after: State) -> None:
        """A delayed patient moves from state ``before`` to ``after`` (the model tells)."""
        self._delayed_awaiting += (after in _AWAITING_LONG_TERM_CARE) - (
            before in _AWAITING_LONG_TERM_CARE
        )

    def set_delayed(self, person: ServiceUser, delayed: bool) -> None:
        """Start or stop counting ``person``'s bed-days as delayed."""
        if delayed != person.delayed:
            person.delayed = delayed
            awaiting = person.state in _AWAITING_LONG_TERM_CARE
            if delayed:
                self.delayed_people.add(person)
                self._delayed_awaiting += awaiting
            else:
                self.delayed_people.discard(person)
                self._delayed_awaiting -= awaiting
            self.delayed_bed_days.change(1.0 if delayed else -1.0, self.model.now)
