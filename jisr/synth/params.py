"""Calibration targets of the synthetic population, each with its source.

Two kinds of number live here:
- census facts (RGPH 2024), taken from `jisr.reference` or the project's reference file
  (shared/reference/morocco-social-protection.md, "Population");
- illustrative assumptions, marked as such: orders of magnitude chosen so that the population looks
  like Morocco's, with the reasoning beside them. None of them is an official statistic; correct
  them here (with a source) when a better figure is known.

Probabilities are given as tuples in the order of the matching `*_CATEGORIES` tuple. Age groups are
half-open intervals of completed years given by their lower edges.
"""

from __future__ import annotations

from typing import Final

from jisr.reference import CENSUS_2024

# --- Population totals ---------------------------------------------------------------------------
# source: RGPH 2024 (decree 2-24-1009), via jisr.reference.CENSUS_2024.
NATIONAL_HOUSEHOLDS: Final = CENSUS_2024.households  # 9,275,038
URBAN_PERSON_SHARE: Final = CENSUS_2024.urban_share  # 0.628 of persons live in urban communes
MEAN_HOUSEHOLD_SIZE: Final = CENSUS_2024.mean_household_size  # 3.9
# source: RGPH 2024 — 148,152 foreigners of 36,828,330 inhabitants (0.40 %).
FOREIGN_PERSON_SHARE: Final = CENSUS_2024.foreigners / CENSUS_2024.population
# Note: 9,275,038 households x 3.9 = 36.2 M persons, below the legal population (36.8 M). We target
# the published mean size 3.9; the difference is read as people outside ordinary households
# (barracks, boarding schools, institutions) — an interpretation, not a published figure.

# --- Geography -----------------------------------------------------------------------------------
# source: illustrative assumption — Morocco has about 1,500 communes (1,503 in the 2015 division,
# general knowledge, unverified) in 75 prefectures and provinces; split here in proportion to
# population, with floors so that the smallest region still has several of each.
COMMUNES_TOTAL: Final = 1_500
PROVINCES_TOTAL: Final = 75
MIN_COMMUNES_PER_REGION: Final = 8
MIN_PROVINCES_PER_REGION: Final = 2
# source: illustrative assumption — about 1 commune in 7 is an urban municipality (221 of 1,503 in
# 2015, unverified), more in urbanised regions; urban communes vary much more in size than rural.
URBAN_COMMUNE_SHARE: Final = 0.147
URBAN_COMMUNE_SIZE_SPREAD: Final = 1.0  # sigma of the log-normal commune weights
RURAL_COMMUNE_SIZE_SPREAD: Final = 0.5

# source: illustrative assumption — regional urbanisation rates of the order of the 2014 census
# (recollection, unverified), used only for their ranking (Laâyoune, Casablanca-Settat, Rabat high;
# Drâa-Tafilalet, Marrakech-Safi, Béni Mellal-Khénifra low). They are shifted on the logit scale
# so that the national person share equals URBAN_PERSON_SHARE (see geography.urban_rates()).
REGION_URBAN_RATE: Final = {
    "01": 0.60, "02": 0.65, "03": 0.61, "04": 0.70, "05": 0.49, "06": 0.74,
    "07": 0.43, "08": 0.34, "09": 0.56, "10": 0.65, "11": 0.93, "12": 0.74,
}  # fmt: skip

MILIEUS: Final = ("urban", "rural")

# --- Household size ------------------------------------------------------------------------------
# source: illustrative assumption — sizes 1..15; urban mean 3.7, rural 4.3 (so that with 62.8 %
# of persons urban the national mean is 3.9, RGPH 2024); about 9-10 % one-person households.
MAX_HOUSEHOLD_SIZE: Final = 15
HOUSEHOLD_SIZE_PMF: Final = {
    "urban": (0.1050, 0.1750, 0.2050, 0.2230, 0.1510, 0.0750, 0.0340, 0.0160,
              0.0080, 0.0040, 0.0020, 0.0010, 0.0005, 0.0003, 0.0002),
    "rural": (0.0780, 0.1350, 0.1740, 0.1970, 0.1680, 0.1120, 0.0620, 0.0340,
              0.0180, 0.0100, 0.0060, 0.0030, 0.0018, 0.0012, 0.0008),
}  # fmt: skip

# --- Household types and heads -------------------------------------------------------------------
# A household is headed by a married couple (male head, wife present), a woman without a spouse in
# the household, or a man without one.
HOUSEHOLD_TYPES: Final = ("couple", "female_head", "male_head")
# source: illustrative assumption — about 19 % of households headed by a woman, most of them
# widows; one-person households are a mix of young single men and elderly widows.
HEAD_TYPE_BY_SIZE: Final = {  # size bucket -> P(couple, female_head, male_head)
    1: (0.00, 0.55, 0.45),
    2: (0.56, 0.32, 0.12),
    3: (0.84, 0.13, 0.03),
}
# source: illustrative assumption — head age as a mixture of normal components
# (weight, mean, sd) by household type and size bucket (1, 2, 3-4, 5-6, 7+): couples of two are
# either young couples without children or older couples whose children have left; large
# households are older (extended families).
HEAD_AGE_SIZE_BUCKETS: Final = (1, 2, 3, 5, 7)  # lower edges
HEAD_AGE_MIXTURE: Final = {
    "couple": (
        ((1.0, 45.0, 12.0),),
        ((0.30, 30.0, 5.0), (0.70, 65.0, 8.0)),
        ((0.69, 39.0, 8.5), (0.31, 63.0, 7.5)),
        ((0.69, 44.0, 8.5), (0.31, 63.0, 7.5)),
        ((0.40, 47.0, 8.0), (0.60, 63.0, 8.0)),
    ),
    "female_head": (
        ((0.30, 34.0, 9.0), (0.70, 71.0, 9.0)),
        ((0.35, 40.0, 10.0), (0.65, 67.0, 10.0)),
        ((0.45, 44.0, 9.0), (0.55, 66.0, 9.0)),
        ((0.45, 48.0, 9.0), (0.55, 66.0, 9.0)),
        ((1.0, 64.0, 10.0),),
    ),
    "male_head": (
        ((0.66, 32.0, 9.0), (0.34, 70.0, 10.0)),
        ((0.50, 34.0, 10.0), (0.50, 66.0, 11.0)),
        ((0.55, 42.0, 10.0), (0.45, 66.0, 10.0)),
        ((1.0, 55.0, 13.0),),
        ((1.0, 60.0, 12.0),),
    ),
}
HEAD_AGE_RANGE: Final = (18.0, 98.0)
# source: illustrative assumption — husbands are on average about 5 years older than their wives.
SPOUSE_AGE_GAP: Final = (5.0, 4.0)  # mean, sd (years)

# --- Other members -------------------------------------------------------------------------------
MEMBER_CATEGORIES: Final = ("child", "grandchild", "parent", "other_relative", "other")
MEMBER_AGE_GROUPS: Final = (30, 45, 60, 75)  # head age group edges
# source: illustrative assumption — relationship of each member beyond head and spouse, by head
# age group (<30, 30-44, 45-59, 60-74, 75+) and household type: young heads sometimes live with a
# parent or siblings, older heads with grandchildren.
MEMBER_MIX: Final = {
    "couple": (
        (0.80, 0.00, 0.08, 0.10, 0.02),
        (0.89, 0.00, 0.06, 0.04, 0.01),
        (0.84, 0.07, 0.04, 0.04, 0.01),
        (0.54, 0.36, 0.00, 0.09, 0.01),
        (0.45, 0.40, 0.00, 0.13, 0.02),
    ),
    "female_head": (
        (0.55, 0.00, 0.20, 0.23, 0.02),
        (0.86, 0.00, 0.05, 0.08, 0.01),
        (0.79, 0.11, 0.02, 0.07, 0.01),
        (0.48, 0.41, 0.00, 0.10, 0.01),
        (0.45, 0.40, 0.00, 0.13, 0.02),
    ),
    "male_head": (
        (0.30, 0.00, 0.35, 0.32, 0.03),
        (0.70, 0.00, 0.12, 0.16, 0.02),
        (0.78, 0.08, 0.04, 0.09, 0.01),
        (0.50, 0.38, 0.00, 0.11, 0.01),
        (0.45, 0.40, 0.00, 0.13, 0.02),
    ),
}

# source: illustrative assumption — births between the mother's ages 17 and 45, at least 15 months
# apart (plus a gamma-distributed extra gap, mean 1.8 years); the last child at home is born at
# about 33, or recently if the mother is younger than that.
MATERNAL_AGE_RANGE: Final = (17.0, 45.0)
MIN_BIRTH_SPACING: Final = 1.25
EXTRA_BIRTH_GAP_SCALE: Final = 0.9  # gamma(shape 2, scale) in years
LAST_BIRTH_AGE: Final = (32.5, 5.0)  # mean, sd
RECENT_BIRTH_MEAN_AGE: Final = 4.5  # years, exponential
# source: illustrative assumption — a head's mother was 18-42 at the head's birth (mean 27), the
# father 6 years older; grandchildren are born when the head is at least 36.
PARENT_AGE_AT_HEAD_BIRTH: Final = (27.0, 5.0)
PARENTS_FATHER_GAP: Final = (6.0, 4.0)
GRANDPARENT_MIN_AGE: Final = 36.0
MAX_AGE: Final = 100.0

# source: illustrative assumption — P(male) by relationship: adult daughters leave home to marry
# earlier than sons; other relatives include daughters-in-law; non-relatives are often domestic
# workers (women); a lone parent of the head is usually the mother (longer female life expectancy).
MALE_SHARE_AT_BIRTH: Final = 0.512  # sex ratio at birth about 105 boys per 100 girls
MALE_SHARE_ADULT_CHILD: Final = 0.57
MALE_SHARE_OTHER_RELATIVE: Final = 0.45
MALE_SHARE_OTHER: Final = 0.30
MALE_SHARE_LONE_PARENT: Final = 0.20
MALE_SHARE_ALONE_ELDERLY: Final = 0.30

# --- Marital status ------------------------------------------------------------------------------
MARITAL_STATUSES: Final = ("single", "married", "divorced", "widowed")
ADULT_AGE_GROUPS: Final = (30, 45, 60, 75)  # <30, 30-44, 45-59, 60-74, 75+ (18+ only)
# source: illustrative assumption — a head without a spouse at home who has children is widowed,
# divorced or married with an absent (e.g. migrant) spouse; widowhood rises with age and is far
# more common among women (about 40 % of women aged 60+ are widows).
HEAD_MARITAL: Final = {
    ("female_head", True): (
        (0.0, 0.35, 0.55, 0.10), (0.0, 0.25, 0.45, 0.30), (0.0, 0.15, 0.30, 0.55),
        (0.0, 0.13, 0.15, 0.72), (0.0, 0.08, 0.07, 0.85),
    ),
    ("female_head", False): (
        (0.70, 0.10, 0.17, 0.03), (0.50, 0.12, 0.28, 0.10), (0.25, 0.10, 0.25, 0.40),
        (0.12, 0.08, 0.12, 0.68), (0.08, 0.04, 0.06, 0.82),
    ),
    ("male_head", True): (
        (0.0, 0.40, 0.50, 0.10), (0.0, 0.35, 0.40, 0.25), (0.0, 0.30, 0.30, 0.40),
        (0.0, 0.20, 0.15, 0.65), (0.0, 0.10, 0.05, 0.85),
    ),
    ("male_head", False): (
        (0.85, 0.07, 0.07, 0.01), (0.60, 0.15, 0.20, 0.05), (0.30, 0.20, 0.30, 0.20),
        (0.12, 0.15, 0.18, 0.55), (0.05, 0.10, 0.10, 0.75),
    ),
}  # fmt: skip
# Members other than head, spouse and parents, aged 18+, by sex and age group.
MEMBER_MARITAL: Final = {
    "M": ((0.90, 0.08, 0.02, 0.00), (0.45, 0.48, 0.06, 0.01), (0.15, 0.70, 0.10, 0.05),
          (0.05, 0.55, 0.08, 0.32), (0.03, 0.40, 0.05, 0.52)),
    "F": ((0.82, 0.13, 0.05, 0.00), (0.45, 0.35, 0.15, 0.05), (0.20, 0.40, 0.15, 0.25),
          (0.06, 0.30, 0.09, 0.55), (0.03, 0.17, 0.05, 0.75)),
}  # fmt: skip
LONE_PARENT_WIDOWED: Final = 0.85  # a parent of the head living without their spouse

# --- Orphans -------------------------------------------------------------------------------------
# source: illustrative assumption — children of a widowed mother are fatherless; a few
# grandchildren live with their grandparents because their father died. Adults' fathers die with
# age (probability by age group <30, 30-44, 45-59, 60-74, 75+).
GRANDCHILD_FATHER_DECEASED: Final = 0.06
ADULT_FATHER_DECEASED: Final = (0.06, 0.22, 0.55, 0.85, 0.97)

# --- Disability ----------------------------------------------------------------------------------
# source: illustrative assumption — about 5 % of the population with a disability (order of
# magnitude of HCP's 2014 census figure, unverified), rising steeply with age (age groups 0-14,
# 15-39, 40-59, 60-74, 75+); more severe in old age.
DISABILITY_AGE_GROUPS: Final = (15, 40, 60, 75)
DISABILITY_RATE: Final = (0.015, 0.03, 0.06, 0.14, 0.32)
DISABILITY_SEVERITIES: Final = ("mild", "moderate", "severe", "very_severe")
DISABILITY_SEVERITY_UNDER_60: Final = (0.40, 0.32, 0.18, 0.10)
DISABILITY_SEVERITY_60_PLUS: Final = (0.30, 0.32, 0.23, 0.15)

# --- Schooling -----------------------------------------------------------------------------------
SCHOOL_LEVELS: Final = (
    "preschool", "primary", "lower_secondary", "upper_secondary", "higher", "vocational",
)  # fmt: skip
# source: illustrative assumption — enrolment by age band (first age, last age, level reached
# at that age without repetition, P(urban), P(rural)): national orders of magnitude preschool ~70 %,
# primary ~97 %, lower secondary ~85 %, upper secondary ~65 %, higher ~35 %, lower in rural areas.
ENROLMENT_BANDS: Final = (
    (4, 5, "preschool", 0.78, 0.57),
    (6, 11, "primary", 0.985, 0.955),
    (12, 14, "lower_secondary", 0.91, 0.76),
    (15, 17, "upper_secondary", 0.75, 0.47),
    (18, 22, "higher", 0.43, 0.20),
    (23, 24, "higher", 0.16, 0.05),
)
ENROLMENT_WEALTH_LOADING: Final = 0.5  # probit loading on household wealth
# source: illustrative assumption — grade repetition delays some pupils by one or two years.
GRADE_DELAY: Final = (0.75, 0.18, 0.07)
# source: illustrative assumption — share of those enrolled who follow vocational training.
VOCATIONAL_SHARE: Final = {(15, 17): 0.06, (18, 24): 0.22}
# source: illustrative assumption — private share of enrolment (about 15 % overall), by level and
# milieu (urban, rural), higher in richer households.
PRIVATE_SHARE: Final = {
    "preschool": (0.38, 0.08),
    "primary": (0.19, 0.02),
    "lower_secondary": (0.14, 0.02),
    "upper_secondary": (0.11, 0.02),
    "higher": (0.12, 0.05),
    "vocational": (0.25, 0.10),
}
PRIVATE_WEALTH_LOADING: Final = 1.0

# --- Work and social security --------------------------------------------------------------------
SOCIAL_SECURITY: Final = ("cnss", "cnops", "other", "none")
WORKING_AGE: Final = (18, 64)
# source: illustrative assumption — P(cnss, cnops, other) for people aged 18-64 (urban, rural):
# formal private-sector employment (CNSS) for about 25-30 % of urban heads and far fewer rural
# ones; public servants (CNOPS) about 4-5 % of heads; few working wives (low female participation).
FORMAL_WORK: Final = {
    "head": ((0.36, 0.055, 0.015), (0.10, 0.02, 0.01)),
    "spouse": ((0.07, 0.03, 0.005), (0.02, 0.005, 0.002)),
    "member_M": ((0.15, 0.01, 0.005), (0.05, 0.003, 0.002)),
    "member_F": ((0.08, 0.01, 0.003), (0.02, 0.002, 0.001)),
}
FORMAL_WEALTH_LOADING: Final = 0.8
# source: cnss.ma "allocations-familiales" (reference file): 108 days of contributions in 6 months
# and a wage >= 60 % of the minimum wage; illustrative assumption — 90 % of CNSS workers qualify.
CNSS_ALLOWANCE_ELIGIBLE: Final = 0.90
CNSS_ALLOWANCE_CHILD_AGE_LIMIT: Final = 21  # children aged 0-20 (reference file, ASD/CNSS age caps)

# --- Health insurance (AMO) ----------------------------------------------------------------------
AMO_SCHEMES: Final = ("none", "tadamon", "cnss", "cnops", "achamil", "other")
# source: decree 2.22.923 (reference file) — AMO Tadamon for an index <= 9.3264284 (about 11,220
# MAD per person per year). The registry's index is a noisy estimate of log consumption: we use
# log consumption plus noise (sd below, illustrative) as its stand-in.
TADAMON_THRESHOLD_LOG: Final = 9.3264284
INDEX_NOISE_SD: Final = 0.5
TADAMON_TAKE_UP: Final = 0.95  # illustrative assumption
# source: illustrative assumption — households with no formal worker and above the Tadamon
# threshold: self-employed (AMO-TNS, managed by CNSS) or pensioners, a few retired civil servants,
# a few paying AMO Achamil, the rest uncovered (targets: tadamon ~30 %, achamil a few %, none
# ~10-15 % of persons).
AMO_NON_POOR: Final = (0.28, 0.0, 0.45, 0.08, 0.12, 0.07)  # in AMO_SCHEMES order

# --- Nationality ---------------------------------------------------------------------------------
# source: illustrative assumption — mix of foreign residents (sub-Saharan Africa, Europe, Maghreb,
# Middle East, Asia); only the total (148,152, RGPH 2024) is sourced. Foreign households are
# mostly urban.
FOREIGN_NATIONALITIES: Final = {
    "SN": 0.14, "CI": 0.08, "GN": 0.07, "ML": 0.05, "CM": 0.05, "CD": 0.04, "NG": 0.04,
    "FR": 0.13, "ES": 0.05, "IT": 0.02, "DZ": 0.06, "SY": 0.06, "TN": 0.03, "CN": 0.04,
    "US": 0.02, "YE": 0.02, "PH": 0.02, "BE": 0.02, "TR": 0.02, "EG": 0.04,
}  # fmt: skip
FOREIGN_URBAN_SHARE: Final = 0.92

# --- Latent consumption --------------------------------------------------------------------------
# source: illustrative assumption (HCP 2022 household consumption survey orders of magnitude) —
# annual consumption per person, log-normal: person medians about 19,000 MAD (urban) and 11,500
# (rural), national mean about 21,000; larger households are poorer per head; region effects follow
# HCP's poverty ranking (Drâa-Tafilalet, Béni Mellal-Khénifra, Oriental poorer; Casablanca-Settat,
# Rabat-Salé-Kénitra and the southern regions richer). Calibrated so that 40-45 % of households
# fall below the ASD threshold exp(9.743) = 17,020 MAD (about 4 M of 9.3 M households receive ASD).
CONSUMPTION_LOG_MEDIAN: Final = {"urban": 9.98, "rural": 9.55}  # household of 4, region effect 0
CONSUMPTION_LOG_SD: Final = 0.60
CONSUMPTION_SIZE_EFFECT: Final = -0.13  # per member above (or below) 4
CONSUMPTION_REGION_EFFECT: Final = {
    "01": 0.00, "02": -0.08, "03": -0.06, "04": 0.08, "05": -0.15, "06": 0.12,
    "07": -0.08, "08": -0.18, "09": -0.02, "10": -0.05, "11": 0.10, "12": 0.12,
}  # fmt: skip
ASD_THRESHOLD_LOG: Final = 9.743001  # reference file, unverified in the decree text

# --- Dwelling and assets (index inputs) ----------------------------------------------------------
# source: illustrative assumption — the observable wealth behind dwelling, assets and spending is
# correlated (WEALTH_SIGNAL) with the unobserved part of log consumption, so that a proxy means
# test explains about 0.5-0.7 of its variance, as published PMTs do (reference file: Brown,
# Ravallion & van de Walle 2018).
WEALTH_SIGNAL: Final = 0.72
HOUSING_TYPES: Final = (
    "shanty", "rural_house", "traditional_house", "modern_house", "villa_apartment", "other",
)  # fmt: skip
# Shares by milieu (urban, rural), ordered from poorest to richest dwelling; "other" is drawn
# independently of wealth.
HOUSING_SHARES: Final = {
    "urban": (0.05, 0.00, 0.12, 0.66, 0.15, 0.02),
    "rural": (0.03, 0.62, 0.07, 0.26, 0.01, 0.01),
}
TENURES: Final = ("owner", "tenant", "free", "other")
TENURE_SHARES: Final = {"urban": (0.62, 0.28, 0.08, 0.02), "rural": (0.83, 0.04, 0.11, 0.02)}
WATER_SOURCES: Final = ("other", "well", "public_tap", "piped_in_dwelling")  # poorest first
WATER_SHARES: Final = {"urban": (0.01, 0.01, 0.05, 0.93), "rural": (0.06, 0.30, 0.22, 0.42)}
ELECTRICITY: Final = ("none", "solar", "grid")
ELECTRICITY_SHARES: Final = {"urban": (0.003, 0.002, 0.995), "rural": (0.02, 0.05, 0.93)}
SANITATION: Final = ("none", "septic", "sewer")
SANITATION_SHARES: Final = {"urban": (0.02, 0.08, 0.90), "rural": (0.22, 0.66, 0.12)}
# Asset ownership rates (urban, rural) and loading on wealth.
ASSETS: Final = {
    "has_fridge": (0.93, 0.74, 1.2),
    "has_tv": (0.97, 0.92, 0.9),
    "has_satellite": (0.84, 0.84, 0.6),
    "has_washing_machine": (0.55, 0.18, 1.2),
    "has_computer": (0.38, 0.10, 1.3),
    "has_internet": (0.72, 0.38, 1.1),
    "has_car": (0.24, 0.10, 1.4),
    "has_motorbike": (0.10, 0.12, 0.3),
}
HOUSING_WEALTH_LOADING: Final = 1.3
SERVICE_WEALTH_LOADING: Final = 1.0
# Declared monthly spending (MAD): median for a household of 4 at median wealth (urban, rural),
# elasticity to household size, loading on wealth, noise sd (log scale).
SPENDING: Final = {
    "spend_water": (75.0, 30.0, 0.5, 0.45, 0.35),
    "spend_electricity": (160.0, 90.0, 0.4, 0.45, 0.35),
    "spend_butane": (60.0, 70.0, 0.4, 0.20, 0.30),
    "spend_telephone": (120.0, 60.0, 0.5, 0.50, 0.45),
}
# source: illustrative assumption — a few households declare no phone number.
NO_PHONE_SHARE: Final = 0.06
MOBILE_PREFIX_7_SHARE: Final = 0.35
