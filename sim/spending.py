"""The council's spending components, in the order reports show them."""

COMPONENTS = (
    "social_work_staff",
    "agency_premium",
    "organisation_overhead",
    "contract_margin",
    "setup",
    "council_checking",
    "reablement",
    "home_care",
    "direct_payment",
    "supported_living",
    "care_home",
)
CARE_COMPONENTS = ("reablement", "home_care", "direct_payment", "supported_living", "care_home")
LONG_TERM_COMPONENTS = ("home_care", "direct_payment", "supported_living", "care_home")
# Spending the NHS pays outside the council's budget (sim/mechanisms/funding.py).
NHS_COMPONENTS = ("nhs_reablement",)
