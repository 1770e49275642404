"""Write the Haringey demo partnership: dashboard/sample/haringey_demo.csv and haringey_corrections.csv (installed
with the package, so `laa demo` works from a wheel).

Each target below has the status path the partnership reported, quarter by quarter (2008/09 Q4 to 2009/10 Q3) for
quarterly targets, or its 2008/09 outturn for annual ones (frequency `annual`), so the latest position is Table 1 of
the Haringey audit (section 2.5.7) and every earlier quarter is as the partnership saw it. Each target also has its
own figures, quarter by quarter, chosen by hand to fall in that status under the brief's rules (polarity, 5%
tolerance): reds from 6% to 30% short, ambers and greens spread through their bands, figures that improve and
worsen. Commentary and remedial action are the lead partner's own for that target. Nothing is random.

Run `python sample_data/build_demo.py` to write the files again; it refuses to write a figure whose status is not
the one its path says.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from dashboard.rules import Polarity, Status, rate  # noqa: E402
from dashboard.settings import SAMPLE_DATA  # noqa: E402

QUARTERS = ("2008/09 Q4", "2009/10 Q1", "2009/10 Q2", "2009/10 Q3")
YEAR = ("2008/09",)
TYPES = {"D": "designated", "S": "stretch", "M": "mandatory education", "L": "local"}
STATUS = {"R": Status.RED, "A": Status.AMBER, "G": Status.GREEN, "D": Status.DATA_AWAITED}

COUNCIL, NHS, POLICE, FIRE = "Haringey Council", "NHS Haringey", "Metropolitan Police", "London Fire Brigade"
COLLEGE, HAVCO, HFH, JCP = "CHENEL", "HAVCO", "Homes for Haringey", "Jobcentre Plus"

# board, code, name, type, lead partner, polarity (+ higher / - lower), unit, target, statuses, actuals.
# statuses: four letters (R/A/G/D, D = data awaited) for quarterly targets, one for an annual outturn; a trailing
# * means the status is the one reported (an assessed indicator with no numeric rating).
# actuals: one figure per status, None where data is awaited.
TARGETS = [
    ("Enterprise", "NI 151", "Overall employment rate", "D", JCP, "+", "%", 66.5, "AARR", (65.2, 64.1, 62.4, 61.1)),
    (
        "Enterprise",
        "NI 152",
        "Working age people on out of work benefits",
        "D",
        JCP,
        "-",
        "%",
        14.8,
        "ARRR",
        (15.3, 15.9, 16.6, 16.2),
    ),
    (
        "Enterprise",
        "NI 153",
        "Working age people claiming out of work benefits in the worst performing neighbourhoods",
        "S",
        JCP,
        "-",
        "%",
        27.5,
        "RRRR",
        (29.9, 31.1, 32.3, 31.4),
    ),
    (
        "Enterprise",
        "NI 163",
        "Working age population qualified to at least Level 2 or higher",
        "D",
        COLLEGE,
        "+",
        "%",
        68.0,
        "D",
        (None,),
    ),
    (
        "Enterprise",
        "NI 165",
        "Working age population qualified to at least Level 4 or higher",
        "L",
        COLLEGE,
        "+",
        "%",
        36.0,
        "D",
        (None,),
    ),
    (
        "Enterprise",
        "NI 171",
        "New business registration rate",
        "S",
        COUNCIL,
        "+",
        "per 10,000",
        62.0,
        "GAAR",
        (63.1, 60.2, 59.4, 51.0),
    ),
    (
        "Enterprise",
        "NI 166",
        "Median earnings of employees in the area",
        "L",
        COUNCIL,
        "+",
        "£ per week",
        520.0,
        "D",
        (None,),
    ),
    (
        "Wellbeing",
        "NI 8",
        "Adult participation in sport and active recreation",
        "L",
        COUNCIL,
        "+",
        "%",
        21.0,
        "D",
        (None,),
    ),
    (
        "Wellbeing",
        "NI 39",
        "Rate of hospital admissions per 100,000 for alcohol related harm",
        "D",
        NHS,
        "-",
        "per 100,000",
        1450.0,
        "AARR",
        (1478, 1502, 1546, 1571),
    ),
    (
        "Wellbeing",
        "NI 40",
        "Number of drug users recorded as being in effective treatment",
        "D",
        NHS,
        "+",
        "people",
        1290.0,
        "GGGG",
        (1302, 1318, 1336, 1329),
    ),
    (
        "Wellbeing",
        "NI 120",
        "All-age all cause mortality rate",
        "D",
        NHS,
        "-",
        "per 100,000",
        640.0,
        "G",
        (631,),
    ),
    (
        "Wellbeing",
        "NI 121",
        "Mortality rate from all circulatory diseases at ages under 75",
        "L",
        NHS,
        "-",
        "per 100,000",
        92.0,
        "D",
        (None,),
    ),
    ("Wellbeing", "NI 123", "Stopping smoking", "S", NHS, "+", "per 100,000", 1100.0, "RAAA", (985, 1049, 1068, 1083)),
    (
        "Wellbeing",
        "NI 124",
        "People with a long-term condition supported to be independent and in control of their condition",
        "D",
        NHS,
        "+",
        "%",
        78.0,
        "G",
        (79.6,),
    ),
    (
        "Wellbeing",
        "NI 125",
        "Achieving independence for older people through rehabilitation/intermediate care",
        "D",
        COUNCIL,
        "+",
        "%",
        80.0,
        "GGGA",
        (82.1, 81.3, 80.4, 76.0),  # 76.0 sits exactly on the edge of the 5% band: the demo shows where amber ends
    ),
    (
        "Wellbeing",
        "NI 130",
        "Social care clients receiving Self Directed Support",
        "S",
        COUNCIL,
        "+",
        "per 100,000",
        210.0,
        "AGGG",
        (203, 214, 227, 241),
    ),
    (
        "Wellbeing",
        "NI 135",
        "Carers receiving needs assessment or review and a specific carer's service",
        "S",
        COUNCIL,
        "+",
        "%",
        24.0,
        "GGGG",
        (24.3, 24.9, 25.6, 25.2),
    ),
    (
        "Wellbeing",
        "NI 136",
        "People supported to live independently through social services",
        "D",
        COUNCIL,
        "+",
        "per 100,000",
        3300.0,
        "GGGG",
        (3318, 3342, 3371, 3406),
    ),
    (
        "Wellbeing",
        "NI 141",
        "Percentage of vulnerable people achieving independent living",
        "D",
        COUNCIL,
        "+",
        "%",
        70.0,
        "AGGG",
        (67.9, 70.6, 71.8, 72.5),
    ),
    (
        "Wellbeing",
        "NI 142",
        "Percentage of vulnerable people who are supported to maintain independent living",
        "D",
        COUNCIL,
        "+",
        "%",
        98.0,
        "GGGG",
        (98.4, 98.9, 98.6, 99.1),
    ),
    (
        "Wellbeing",
        "NI 150",
        "Adults receiving secondary mental health services in employment",
        "D",
        NHS,
        "+",
        "%",
        6.5,
        "DDDD",
        (None, None, None, None),
    ),
    (
        "Safer Communities",
        "NI 15",
        "Serious violent crime rate",
        "D",
        POLICE,
        "-",
        "per 1,000",
        1.35,
        "GGAR",
        (1.29, 1.33, 1.40, 1.52),
    ),
    (
        "Safer Communities",
        "NI 16",
        "Serious acquisitive crime rate",
        "S",
        POLICE,
        "-",
        "per 1,000",
        32.0,
        "AAGG",
        (33.4, 32.7, 31.6, 30.8),
    ),
    (
        "Safer Communities",
        "NI 19",
        "Rate of proven re-offending by young offenders",
        "D",
        COUNCIL,
        "-",
        "offences per 100",
        1.2,
        "AGGD",
        (1.25, 1.18, 1.12, None),
    ),
    (
        "Safer Communities",
        "NI 20",
        "Assault with injury crime rate",
        "S",
        POLICE,
        "-",
        "per 1,000",
        8.1,
        "GGGG",
        (7.84, 7.71, 7.93, 7.62),
    ),
    (
        "Safer Communities",
        "NI 21",
        "Dealing with local concerns about anti-social behaviour and crime issues by the local council and police",
        "L",
        COUNCIL,
        "+",
        "%",
        29.0,
        "D",
        (None,),
    ),
    (
        "Safer Communities",
        "NI 30",
        "Re-offending rate of prolific and other priority offenders",
        "S",
        POLICE,
        "-",
        "offences",
        410.0,
        "RRAR",
        (463, 441, 424, 447),
    ),
    (
        "Safer Communities",
        "NI 32",
        "Repeat incidents of domestic violence",
        "D",
        POLICE,
        "-",
        "%",
        27.0,
        "GGGA",
        (25.9, 26.3, 26.8, 27.9),
    ),
    (
        "Safer Communities",
        "NI 35",
        "Building resilience to violent extremism",
        "D",
        COUNCIL,
        "+",
        "level (1-5)",
        3.0,
        "GGGG*",
        (3, 3, 3, 4),
    ),
    (
        "Safer Communities",
        "NI 38",
        "Drug-related (Class A) offending rate",
        "D",
        POLICE,
        "-",
        "ratio",
        0.95,
        "DDDD",
        (None, None, None, None),
    ),
    (
        "Safer Communities",
        "NI 49",
        "Number of primary fires and related fatalities and non-fatal casualties",
        "S",
        FIRE,
        "-",
        "per 100,000",
        215.0,
        "GGGG",
        (211, 206, 209, 198),
    ),
    (
        "Children's Trust",
        "NI 51",
        "Effectiveness of child and adolescent mental health (CAMHs) services",
        "D",
        NHS,
        "+",
        "score (1-16)",
        16.0,
        "GGGG*",
        (15, 16, 16, 16),
    ),
    (
        "Children's Trust",
        "NI 56",
        "Obesity among primary school age children in Year 6",
        "D",
        NHS,
        "-",
        "%",
        22.5,
        "R",
        (24.6,),
    ),
    (
        "Children's Trust",
        "NI 59",
        "Percentage of initial assessments for children's social care carried out within 7 working days of referral",
        "D",
        COUNCIL,
        "+",
        "%",
        80.0,
        "RRRR",
        (66.3, 60.2, 56.1, 61.9),
    ),
    (
        "Children's Trust",
        "NI 60",
        "Percentage of core assessments for children's social care that were carried out "
        "within 35 working days of their commencement",
        "D",
        COUNCIL,
        "+",
        "%",
        85.0,
        "ARRR",
        (82.6, 77.4, 72.3, 69.7),
    ),
    (
        "Children's Trust",
        "NI 62",
        "Stability of placements of looked after children: number of placements",
        "D",
        COUNCIL,
        "-",
        "%",
        11.0,
        "GGGG",
        (10.6, 10.2, 10.8, 10.4),
    ),
    (
        "Children's Trust",
        "NI 63",
        "Stability of placements of looked after children: length of placement",
        "D",
        COUNCIL,
        "+",
        "%",
        68.0,
        "GGAA",
        (69.8, 68.4, 66.9, 65.1),
    ),
    (
        "Children's Trust",
        "NI 72",
        "Achievement of at least 78 points across the Early Years Foundation Stage",
        "M",
        COUNCIL,
        "+",
        "%",
        49.0,
        "R",
        (44.0,),
    ),
    (
        "Children's Trust",
        "NI 73",
        "Achievement at level 4 or above in both English and Maths at Key Stage 2",
        "M",
        COUNCIL,
        "+",
        "%",
        74.0,
        "R",
        (69.0,),
    ),
    (
        "Children's Trust",
        "NI 75",
        "Achievement of 5 or more A*-C grades at GCSE or equivalent including English and Maths",
        "M",
        COUNCIL,
        "+",
        "%",
        46.0,
        "G",
        (47.3,),
    ),
    (
        "Children's Trust",
        "NI 79",
        "Achievement of a Level 2 qualification by the age of 19",
        "L",
        COLLEGE,
        "+",
        "%",
        72.0,
        "G",
        (73.6,),
    ),
    (
        "Children's Trust",
        "NI 80",
        "Achievement of a Level 3 qualification by the age of 19",
        "L",
        COLLEGE,
        "+",
        "%",
        45.0,
        "D",
        (None,),
    ),
    (
        "Children's Trust",
        "NI 83",
        "Achievement at level 5 or above in Science at Key Stage 3",
        "M",
        COUNCIL,
        "+",
        "%",
        68.0,
        "G",
        (69.0,),
    ),
    (
        "Children's Trust",
        "NI 87",
        "Secondary school persistent absence rate",
        "M",
        COUNCIL,
        "-",
        "%",
        5.6,
        "A",
        (5.8,),
    ),
    (
        "Children's Trust",
        "NI 92",
        "Narrowing the gap between the lowest achieving 20% in the Early Years Foundation Stage Profile and the rest",
        "M",
        COUNCIL,
        "-",
        "%",
        32.0,
        "R",
        (36.4,),
    ),
    (
        "Children's Trust",
        "NI 93",
        "Progression by 2 levels in English between Key Stage 1 and Key Stage 2",
        "M",
        COUNCIL,
        "+",
        "%",
        86.0,
        "G",
        (87.0,),
    ),
    (
        "Children's Trust",
        "NI 94",
        "Progression by 2 levels in Maths between Key Stage 1 and Key Stage 2",
        "M",
        COUNCIL,
        "+",
        "%",
        82.0,
        "R",
        (75.6,),
    ),
    (
        "Children's Trust",
        "NI 99",
        "Looked after children reaching level 4 in English at Key Stage 2",
        "M",
        COUNCIL,
        "+",
        "%",
        50.0,
        "D",
        (None,),
    ),
    (
        "Children's Trust",
        "NI 100",
        "Looked after children reaching level 4 in Maths at Key Stage 2",
        "M",
        COUNCIL,
        "+",
        "%",
        45.0,
        "D",
        (None,),
    ),
    (
        "Children's Trust",
        "NI 101",
        "Looked after children achieving 5 A*-C GCSEs (or equivalent) at Key Stage 4 (including English and Maths)",
        "L",
        COUNCIL,
        "+",
        "%",
        15.0,
        "D",
        (None,),
    ),
    (
        "Children's Trust",
        "NI 110",
        "Young people's participation in positive activities",
        "S",
        COUNCIL,
        "+",
        "%",
        68.0,
        "GGGG",
        (68.9, 70.2, 71.5, 70.8),
    ),
    (
        "Children's Trust",
        "NI 111",
        "First time entrants to the Youth Justice System aged 10-17",
        "S",
        POLICE,
        "-",
        "per 100,000",
        1700.0,
        "AGGG",
        (1762, 1689, 1652, 1611),
    ),
    (
        "Children's Trust",
        "NI 112",
        "Under 18 conception rate",
        "D",
        NHS,
        "-",
        "% change from 1998",
        -36.0,
        "RRRR",
        (-31.4, -29.5, -27.2, -25.9),
    ),
    (
        "Children's Trust",
        "NI 115",
        "Substance misuse by young people",
        "S",
        NHS,
        "-",
        "%",
        11.5,
        "GGGA",
        (11.1, 10.8, 11.3, 11.85),
    ),
    (
        "Children's Trust",
        "NI 116",
        "Proportion of children in poverty",
        "D",
        COUNCIL,
        "-",
        "%",
        33.0,
        "GGGG",
        (32.7, 32.5, 32.9, 32.8),
    ),
    (
        "Children's Trust",
        "NI 117",
        "16 to 18 year olds who are not in education, employment or training (NEET)",
        "D",
        COLLEGE,
        "-",
        "%",
        10.5,
        "AARR",
        (10.62, 10.81, 11.45, 11.76),  # 2009/10 Q1 is the provisional figure; the corrections file validates it
    ),
    (
        "Children's Trust",
        "NI 148",
        "Care leavers in employment, education or training",
        "S",
        COUNCIL,
        "+",
        "%",
        65.0,
        "GGGG",
        (66.2, 67.1, 65.4, 68.3),
    ),
    (
        "Better Places",
        "NI 186",
        "Per capita reduction in CO2 emissions in the LA area",
        "D",
        COUNCIL,
        "+",
        "%",
        11.7,
        "D",
        (None,),
    ),
    (
        "Better Places",
        "NI 188",
        "Planning to adapt to climate change",
        "D",
        COUNCIL,
        "+",
        "level (0-4)",
        2.0,
        "GGGG*",
        (2, 2, 3, 3),
    ),
    (
        "Better Places",
        "NI 191",
        "Residual household waste per household",
        "D",
        COUNCIL,
        "-",
        "kg",
        640.0,
        "AARR",
        (651, 668, 689, 702),
    ),
    (
        "Better Places",
        "NI 192",
        "Percentage of household waste sent for reuse, recycling and composting",
        "S",
        COUNCIL,
        "+",
        "%",
        28.0,
        "GGGG",
        (28.3, 29.4, 30.1, 29.6),
    ),
    (
        "Better Places",
        "NI 195",
        "Improved street and environmental cleanliness (levels of litter)",
        "D",
        COUNCIL,
        "-",
        "%",
        10.0,
        "GGGD",
        (9.0, 8.0, 9.0, None),
    ),
    (
        "Better Places",
        "NI 196",
        "Improved street and environmental cleanliness – fly tipping",
        "L",
        COUNCIL,
        "-",
        "grade (1-4)",
        2.0,
        "D",
        (None,),
    ),
    (
        "Better Places",
        "NI 175",
        "Access to services and facilities by public transport, walking and cycling",
        "L",
        COUNCIL,
        "+",
        "%",
        97.0,
        "D",
        (None,),
    ),
    ("Integrated Housing", "NI 154", "Net additional homes provided", "D", COUNCIL, "+", "homes", 680.0, "D", (None,)),
    (
        "Integrated Housing",
        "NI 155",
        "Number of affordable homes delivered (gross)",
        "S",
        COUNCIL,
        "+",
        "homes",
        400.0,
        "GGAA",
        (418, 406, 391, 384),
    ),
    (
        "Integrated Housing",
        "NI 156",
        "Number of households living in Temporary Accommodation",
        "D",
        COUNCIL,
        "-",
        "households",
        4500.0,
        "GGGG",
        (4478, 4431, 4372, 4298),
    ),
    ("Integrated Housing", "NI 158", "% non-decent council homes", "L", HFH, "-", "%", 35.0, "D", (None,)),
    (
        "Integrated Housing",
        "NI 187",
        "Tackling fuel poverty – % of people receiving income based benefits living in "
        "homes with a low energy efficiency rating",
        "L",
        COUNCIL,
        "-",
        "%",
        7.0,
        "D",
        (None,),
    ),
    (
        "Integrated Housing",
        "NI 160",
        "Local Authority tenants' satisfaction with landlord services",
        "L",
        HFH,
        "+",
        "%",
        73.0,
        "D",
        (None,),
    ),
    (
        "PMG",
        "NI 1",
        "% of people who believe people from different backgrounds get on well together in their local area",
        "D",
        COUNCIL,
        "+",
        "%",
        80.0,
        "DDDD",
        (None, None, None, None),
    ),
    (
        "PMG",
        "NI 4",
        "% of people who feel they can influence decisions in their locality",
        "D",
        COUNCIL,
        "+",
        "%",
        36.0,
        "DDDD",
        (None, None, None, None),
    ),
    (
        "PMG",
        "NI 6",
        "Participation in regular volunteering",
        "S",
        HAVCO,
        "+",
        "%",
        22.0,
        "DDDD",
        (None, None, None, None),
    ),
    (
        "PMG",
        "NI 7",
        "Environment for a thriving third sector",
        "D",
        HAVCO,
        "+",
        "%",
        19.0,
        "RRRR",
        (17.2, 16.8, 15.9, 16.5),
    ),
]

# Why a target is where it is, in the lead partner's words: by period where the story changes, else by status.
# A rated target with no word for its status gets its figure against target.
WHY = {
    "NI 151": {
        "A": "employment is slipping as the recession reaches retail and construction jobs in the east of the borough",
        "R": "the Annual Population Survey shows employment falling faster than the London average, most of all "
        "among young men",
    },
    "NI 152": {
        "A": "out of work benefit claims are edging up as local redundancies rise",
        "R": "Jobseeker's Allowance claims are a third higher than a year ago",
        "2009/10 Q3": "claims fell slightly in the autumn but remain well above target",
    },
    "NI 153": {
        "R": "claims rose fastest in Northumberland Park and Noel Park, widening the gap with the borough average",
        "2009/10 Q3": "the first fall in claims in these neighbourhoods for a year, but still far above target",
    },
    "NI 171": {
        "A": "registrations are slowing as banks tighten lending to small firms",
        "R": "registrations fell sharply as small business lending dried up, and the higher VAT threshold takes "
        "some new firms out of the count",
    },
    "NI 39": {
        "A": "admissions are above trajectory, driven by older men with alcohol-related liver disease",
        "R": "admissions rose again; the new HES coding counts more alcohol-attributable conditions",
    },
    "NI 123": {
        "R": "quitters fell behind profile after two stop smoking advisers left the service",
        "A": "quitters are recovering as the new advisers build their caseloads",
    },
    "NI 125": {"A": "more complex cases came through reablement, and fewer were still at home 91 days after discharge"},
    "NI 130": {"A": "personal budgets are behind profile while the new resource allocation system beds in"},
    "NI 141": {"A": "fewer Supporting People clients moved on in a planned way, as move-on housing was short"},
    "NI 15": {
        "A": "serious violence rose over the summer, with several incidents linked to gang disputes in Tottenham",
        "R": "knife-enabled robbery and grievous bodily harm among 16-24 year olds rose again",
    },
    "NI 16": {"A": "burglary rose with the dark evenings, mostly in the west of the borough"},
    "NI 19": {"A": "a small group in the 2008 cohort re-offended within weeks of sentence"},
    "NI 30": {
        "R": "a handful of prolific offenders re-offended soon after release from Pentonville",
        "A": "re-offending fell as the Integrated Offender Management scheme took on the full cohort",
        "2009/10 Q3": "re-offending rose again after three cohort members were released without housing",
    },
    "NI 32": {"A": "repeat referrals to MARAC rose as officers identified more cases of domestic violence"},
    "NI 56": {"R": "the Year 6 measurement found obesity rising fastest in the east of the borough"},
    "NI 59": {
        "R": "referrals rose by 40% after the Baby Peter case while a third of social worker posts are vacant",
        "2009/10 Q3": "the new duty and assessment team has started to clear the backlog, but timeliness is still "
        "well short",
    },
    "NI 60": {
        "A": "core assessments are slipping past the 35-day limit",
        "R": "core assessments take longer as the initial assessment backlog moves through",
    },
    "NI 63": {"A": "two long-term placements broke down in the autumn"},
    "NI 72": {"R": "the 2009 Foundation Stage results fell in the children's centres' catchments"},
    "NI 73": {"R": "the 2009 Key Stage 2 results fell short in eight primary schools"},
    "NI 87": {"A": "persistent absence fell, but not as far as planned, in two secondary schools"},
    "NI 92": {"R": "the gap widened as the lowest achieving fifth fell further behind"},
    "NI 94": {"R": "Key Stage 2 maths progress fell short in six primary schools"},
    "NI 111": {"A": "first-time entrants rose before the police triage scheme began"},
    "NI 112": {
        "R": "conceptions rose in the latest ONS release",
        "2009/10 Q3": "the latest ONS quarter shows the reduction since 1998 narrowing again",
    },
    "NI 115": {"A": "the TellUs survey showed a small rise in young people reporting drug or alcohol misuse"},
    "NI 117": {
        "A": "NEET numbers are creeping up as fewer 17 year olds find jobs and apprenticeships",
        "R": "the recession has cut the jobs and apprenticeships open to 16-18 year olds",
        "2009/10 Q2": "the September Guarantee left more school leavers than planned without a confirmed place",
    },
    "NI 191": {
        "A": "waste per household is above profile",
        "R": "residual waste has not fallen as planned: the estates recycling scheme started late",
    },
    "NI 155": {"A": "two housing association schemes slipped into 2010/11 when developers paused work"},
    "NI 7": {"R": "the national third sector survey found local organisations less confident about public funding"},
}

# What the partnership is doing about a red or amber target.
ACTION = {
    "NI 151": "Jobcentre Plus and the Haringey Guarantee are running recruitment days with Tottenham Hale employers; "
    "a jobs brokerage report goes to every Enterprise board.",
    "NI 152": "Extend Future Jobs Fund placements to long-term claimants, with benefits advice at every "
    "Jobcentre Plus new claim interview.",
    "NI 153": "Jobcentre Plus advisers to work from the Northumberland Park and Bruce Grove children's centres; "
    "ask GOL to renegotiate the stretch target.",
    "NI 171": "Launch the start-up grant and free advice sessions at the Enterprise Hub; ask BIS whether the "
    "reward target can be rebased for the recession.",
    "NI 39": "Commission alcohol liaison nurses at the North Middlesex and Whittington A&Es, and brief advice in "
    "20 GP practices by March.",
    "NI 123": "Recruit two stop smoking advisers, open clinics in pharmacies and target routine and manual workers "
    "on No Smoking Day.",
    "NI 125": "Review the reablement pathway with the Whittington and check every 91-day outcome at the weekly "
    "discharge meeting.",
    "NI 130": "Train care managers in support planning and offer a personal budget at every review.",
    "NI 141": "Agree a move-on quota with Homes for Haringey and the housing associations.",
    "NI 15": "Weapons sweeps under Operation Blunt 2 in the two hot-spot wards; the Gangs Action Group to work "
    "with every young person known to be involved.",
    "NI 16": "Target hardening for repeat burglary victims and a Safer Neighbourhoods autumn crime prevention "
    "campaign.",
    "NI 19": "Intensive supervision for the young people who re-offended, reviewed monthly by the Youth Offending "
    "Service.",
    "NI 30": "Review every prolific offender at the Integrated Offender Management panel, with drug treatment and "
    "housing arranged before release.",
    "NI 32": "Extend the independent domestic violence advocates and the sanctuary scheme; audit every repeat "
    "MARAC case.",
    "NI 56": "Run MEND healthy weight courses in the ten schools with the highest obesity rates and bring every "
    "school up to the healthy schools food standard.",
    "NI 59": "Agency social workers to clear the backlog; the new duty and assessment team and a weekly "
    "performance clinic chaired by the Director.",
    "NI 60": "A dedicated core assessment team; team managers sign off every assessment open for more than 30 days.",
    "NI 63": "The placement stability panel to review every placement at risk, with extra support for foster carers.",
    "NI 72": "Early years consultants to work with the 15 settings with the lowest profile scores; parent "
    "literacy sessions in children's centres.",
    "NI 73": "Improving Schools Programme support for the eight schools, with Every Child a Reader in each.",
    "NI 87": "Education welfare officers based in the two schools, and fast-track prosecution for the most "
    "persistent absence.",
    "NI 92": "Target Every Child a Talker at the lowest achieving fifth and track each child's progress termly.",
    "NI 94": "Every Child Counts one-to-one tuition in Years 2 and 6, and maths leading teachers in the six schools.",
    "NI 111": "Triage at the custody suite to divert first-time young offenders to the youth inclusion support panel.",
    "NI 112": "Extend sexual health outreach in colleges and youth centres and condom distribution through "
    "pharmacies; the teenage pregnancy board reviews progress monthly.",
    "NI 115": "Targeted drug and alcohol education in the four schools with the highest TellUs responses.",
    "NI 117": "Connexions to trace every young person whose activity is not known, and CHENEL to run January-start "
    "courses for those who missed September.",
    "NI 191": "Food waste collections for a further 20,000 households, recycling on every estate and a Recycling "
    "Champions campaign.",
    "NI 155": "Bid with the Homes and Communities Agency for Kickstart funding to restart the stalled schemes; a "
    "monthly delivery tracker to the board.",
    "NI 7": "HAVCO and the council to refresh the Compact and agree three-year funding for key voluntary "
    "organisations.",
}

# Why figures are awaited, in the lead partner's words.
AWAITED = {
    "NI 163": "the Annual Population Survey results for Haringey have not been published",
    "NI 165": "Level 4 qualifications come from the same Annual Population Survey release, not yet published",
    "NI 166": "ONS has not released the revised Annual Survey of Hours and Earnings figures for the borough",
    "NI 8": "Sport England's Active People Survey results for Haringey are due early in 2010",
    "NI 121": "the NHS Information Centre publishes circulatory mortality rates for 2008 in the spring",
    "NI 150": "the Mental Health Minimum Dataset does not yet record employment status reliably",
    "NI 19": "the Youth Justice Board has not released the re-offending figures for this cohort",
    "NI 21": "the question is asked only in the Place Survey, whose Haringey results are being re-weighted",
    "NI 38": "the Home Office has not published the Drug Interventions Programme baseline",
    "NI 80": "Level 3 at 19 comes from DCSF matched administrative data, due in the spring",
    "NI 99": "the English results of looked after children are validated with the SSDA903 return in the new year",
    "NI 100": "the maths results of looked after children await the same SSDA903 validation",
    "NI 101": "GCSE results of looked after children are matched with the SSDA903 return in the spring",
    "NI 186": "DECC publishes local CO2 emissions estimates two years in arrears",
    "NI 195": "the second tranche of the street cleanliness survey has not been reported",
    "NI 196": "Flycapture has not graded the borough's fly-tipping returns for the year",
    "NI 175": "the Department for Transport has not published the accessibility indicators",
    "NI 154": "the net additional homes figure is confirmed in the Annual Monitoring Report in December",
    "NI 158": "Homes for Haringey is re-surveying stock condition before it reports decency",
    "NI 187": "the energy rating survey of benefit recipients' homes has not yet been carried out",
    "NI 160": "the STATUS tenant satisfaction survey is run every two years; the next results are due in 2010",
    "NI 1": "the question is asked only in the biennial Place Survey",
    "NI 4": "influence over local decisions is measured only by the biennial Place Survey",
    "NI 6": "volunteering is measured only by the biennial Place Survey",
}

LEAD_IN = {"R": "Off track", "A": "Behind target", "G": "On track"}


def figure(value: float, unit: str) -> str:
    """62.4% · 1,546 per 100,000 · £520 per week · level 3 · -27.2% on 1998 · 447 offences."""
    if unit == "%":
        return f"{value:g}%"
    if unit == "% change from 1998":
        return f"{value:+g}% on 1998"
    if unit == "£ per week":
        return f"£{value:,g} per week"
    if unit.startswith(("level", "score", "grade")):
        return f"{unit.split()[0]} {value:g}"
    return f"{value:,g} {unit}"


def commentary(code: str, unit: str, target: float, status: str, period: str, actual, reported: bool) -> str:
    if status == "D":
        return f"Data awaited at {period}: {AWAITED[code]}."
    words = WHY.get(code, {})
    why = words.get(period) or words.get(status) or f"{figure(actual, unit)} against a target of {figure(target, unit)}"
    lead = f"Assessed {STATUS[status].value}" if reported else LEAD_IN[status]
    return f"{lead} at {period}: {why}."


def rows() -> list[dict]:
    out = []
    for board, code, name, kind, lead, polarity, unit, target, path, actuals in TARGETS:
        reported = path.endswith("*")
        statuses = path.rstrip("*")
        periods = QUARTERS if len(statuses) == 4 else YEAR
        sense = Polarity.HIGHER_IS_BETTER if polarity == "+" else Polarity.LOWER_IS_BETTER
        for period, status, actual in zip(periods, statuses, actuals, strict=True):
            if not reported and rate(actual, target, sense) is not STATUS[status]:
                raise SystemExit(f"{code} {period}: {actual} is not {STATUS[status].value} against {target}")
            out.append(
                {
                    "indicator_code": code,
                    "indicator_name": name,
                    "theme_board": board,
                    "target_type": TYPES[kind],
                    "lead_partner": lead,
                    "polarity": sense.value,
                    "frequency": "quarterly" if periods is QUARTERS else "annual",
                    "unit": unit,
                    "period": period,
                    "target": target,
                    "actual": "" if actual is None else actual,
                    "rag": STATUS[status].value if reported and status != "D" else "",
                    "commentary": commentary(code, unit, target, status, period, actual, reported),
                    "remedial_action": ACTION[code] if status in "RA" and not reported else "",
                }
            )
    return out


CORRECTIONS = [
    # Validated figures that replaced provisional ones; they change history, not the latest position.
    {
        "indicator_code": "NI 117",
        "theme_board": "Children's Trust",
        "period": "2009/10 Q1",
        "actual": 10.9,
        "commentary": "Corrected: Connexions validated the June cohort at 10.9%, replacing the provisional 10.81%; "
        "still behind target as fewer 17 year olds find jobs and apprenticeships.",
    },
    {
        "indicator_code": "NI 39",
        "theme_board": "Wellbeing",
        "period": "2009/10 Q2",
        "actual": 1496.0,
        "commentary": "Corrected after the HES data refresh removed duplicate episodes: 1,496 per 100,000, not the "
        "provisional 1,546, so amber rather than red.",
    },
]


def write(path: Path, records: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


if __name__ == "__main__":
    demo = rows()
    write(SAMPLE_DATA / "haringey_demo.csv", demo)
    write(SAMPLE_DATA / "haringey_corrections.csv", CORRECTIONS)
    print(f"wrote {len(TARGETS)} targets, {len(demo)} rows, {len(CORRECTIONS)} corrections")
