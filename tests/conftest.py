import pytest
from carepath.sim import CarePathwayModel


@pytest.fixture(scope="session")
def two_year_run():
    """One default run shared by tests that only read its results."""
    model = CarePathwayModel(years=2, rng=7)
    results = model.run()
    return model, results
