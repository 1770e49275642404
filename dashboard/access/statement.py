"""The accessibility statement (GOV.UK's model statement for public sector websites): what was tested, how, against
which standard, what is known not to meet it, and how to report a problem. Plain HTTP, open without signing in,
served beside the sign-in page (dashboard/access/signin.py) by the dashboard's server."""

from __future__ import annotations

import html
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from dashboard.access.sessions import warning_lead
from dashboard.domain.words import duration

STATEMENT = "/accessibility"
PREPARED = "4 December 2026"
REVIEWED = "6 December 2026"
"""When the dashboard was last tested and this statement reviewed (the warning before a sign-in ends)."""
STANDARD = "the Web Content Accessibility Guidelines (WCAG) version 2.2, level AA"
DEFAULT_CONTACT = "your partnership's dashboard administrator"

KNOWN_GAPS = [
    (
        "Tables are drawn on a canvas by Streamlit's data grid. A screen reader reads a hidden copy of each table; "
        "in a long table it reaches the rows scrolled into view, and the arrow keys move through the cells. "
        "Selecting a row of a table to open its target is easier with the 'history and every version' links "
        "further down the theme board page, which open the same target. On a narrow screen (a phone, or a page "
        "zoomed to 400%), My targets shows each target as a card of labelled text boxes instead of a grid.",
        "1.3.1 Info and relationships, 2.1.1 Keyboard",
    ),
    (
        "A chart is read by a screen reader as its loose labels. The sentence above every chart says what it "
        "shows, and 'The figures in this chart' below it holds its figures as a table. The small trend line in "
        "each row of a theme board's table has no sentence of its own: a screen reader reads that cell as the "
        "actuals, oldest first.",
        "1.1.1 Non-text content",
    ),
    (
        "After a paper is downloaded with the keyboard (Enter on its PDF or Excel button), the keyboard focus goes "
        "back to the top of the page, because Streamlit disables the button for a moment while it makes the file. "
        "The page's 'Skip to main content' link, then Tab, leads back to the buttons.",
        "2.4.3 Focus order",
    ),
    (
        "The board paper PDF is not a tagged PDF, so a screen reader cannot follow its tables. The Excel and CSV "
        "papers hold the same rows.",
        "1.3.1 Info and relationships (documents)",
    ),
    (
        "The page you are on is shown in bold on a shaded background in the sidebar, but a screen reader does not "
        "announce it as the current page. Each page's first heading names it.",
        "4.1.2 Name, role, value (advisory: not a failure)",
    ),
]
"""What is known not to meet the standard, or to meet it only in part: (the problem in plain words, the WCAG
success criterion)."""

TESTED = [
    "Automated checks with axe-core 4.12 (through axe-playwright-python), with its rules for WCAG 2.0, 2.1 and 2.2 "
    "at levels A and AA, on every page: the sign-in page and this statement without signing in; the helicopter "
    "view, theme board, target, My targets, Upload, Indicators, Targets for the year, Data quality and Audit pages "
    "signed in as an analyst; the Users page as an administrator; the theme board as a board chair (who can sign "
    "off), My targets as a partner, and a page not open to an executive. Each page was checked in Chromium at "
    "1440 by 900 pixels and at 390 by 844 pixels (a phone), with the sidebar open. No failures remain.",
    "A keyboard-only test: signing in, picking an 'as at' quarter, opening a theme board, opening a target, and "
    "entering a figure on My targets and saving it, with the Tab, Shift+Tab, Enter, Space and arrow keys alone, "
    "checking at each step that whatever has the keyboard focus shows a visible focus ring.",
    "A test of the warning before an unused sign-in ends: it opens in time, takes the keyboard focus, and Enter on "
    "its Stay signed in button, or Esc, keeps the sign-in and what was typed on My targets.",
    "Checks that every page has its own title, that the page language is English, and that each page's headings "
    "run in order under one main heading.",
    "These checks are automated tests that run with every change to the dashboard.",
]

NOT_TESTED = (
    "We have not yet tested the dashboard with screen readers (such as JAWS, NVDA or VoiceOver), voice control or "
    "screen magnifiers, zoomed to 400% or with the user's own colours and fonts, in browsers other than Chromium, "
    "or with disabled users. Automated checks find only part "
    "of what can go wrong, so there may be problems this statement does not list."
)


def statement_page(contact: str | None = None, idle_minutes: int = 30) -> str:
    """The statement's HTML, naming where to report a problem (the administrator when no contact is set) and how
    long a sign-in lasts without use: every value in it escaped."""
    who = html.escape(contact or DEFAULT_CONTACT)
    idle = duration(timedelta(minutes=idle_minutes))
    lead = duration(warning_lead(timedelta(minutes=idle_minutes)))
    gaps = "\n".join(
        f'<li>{html.escape(problem.format(idle=idle))} <span class="criterion">(WCAG {html.escape(criterion)})'
        "</span></li>"
        for problem, criterion in KNOWN_GAPS
    )
    tested = "\n".join(f"<li>{html.escape(item)}</li>" for item in TESTED)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accessibility statement · LAA performance dashboard</title>
<style>
body {{ font-family: "Source Sans Pro", system-ui, sans-serif; background: #f7f8fa; color: #0b0c0c; margin: 0;
        line-height: 1.5; }}
main {{ max-width: 46rem; margin: 2rem auto; background: #fff; padding: 1.5rem 2rem 2rem; border-radius: .5rem;
        box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
h1 {{ font-size: 1.9rem; line-height: 1.2; margin: 0 0 1rem; }}
h2 {{ font-size: 1.35rem; margin: 2rem 0 .5rem; }}
li {{ margin: .35rem 0; }}
a {{ color: #005a8c; }}
a:focus-visible {{ outline: 3px solid #0b0c0c; outline-offset: 2px; }}
.criterion {{ color: #4a4a4a; }}
@media (max-width: 30rem) {{ main {{ margin: 0; border-radius: 0; padding: 1rem 1.1rem; }} }}
</style></head>
<body><main>
<p><a href="/">Back to the dashboard</a></p>
<h1>Accessibility statement for the LAA performance dashboard</h1>
<p>This statement applies to the LAA performance dashboard: its sign-in page and every page behind it (the
helicopter view, theme boards, targets, My targets, Upload, Data quality and Audit). It is run by your Local
Strategic Partnership.</p>
<p>We want as many people as possible to be able to use it. For example, you should be able to:</p>
<ul>
<li>use every page with a keyboard alone, and always see where the keyboard is;</li>
<li>tell every status by its word and symbol (✖ red, ▲ amber, ✔ green, … data awaited), never by colour alone;</li>
<li>read a sentence saying what each chart shows, and open a table of its figures;</li>
<li>use the dashboard on a phone-sized screen;</li>
<li>keep your sign-in: it ends after {idle} without use (the administrator can change this), and a message that
takes the keyboard focus warns you {lead} before it does, with a Stay signed in button (closing the message keeps
it too).</li>
</ul>

<h2>How accessible this dashboard is</h2>
<p>We know some parts are not fully accessible:</p>
<ul>
{gaps}
</ul>

<h2>Reporting accessibility problems with this dashboard</h2>
<p>If you find a problem not listed on this page, cannot use part of the dashboard, or need its figures in
another format, contact {who}. Tell us the address of the page, what you were trying to do, and the browser and
any assistive technology you use. We will consider your request and get back to you.</p>

<h2>Enforcement procedure</h2>
<p>The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites
and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the accessibility regulations). If you are not
happy with how we respond to your complaint, contact the
<a href="https://www.equalityadvisoryservice.com/">Equality Advisory and Support Service (EASS)</a>.</p>

<h2>Technical information about this dashboard's accessibility</h2>
<p>Your partnership is committed to making its dashboard accessible, in accordance with the accessibility
regulations.</p>
<h3>Compliance status</h3>
<p>This dashboard is partially compliant with {STANDARD}, due to the non-compliances listed above under
'How accessible this dashboard is'.</p>

<h2>How we tested this dashboard</h2>
<p>The standard we test against is {STANDARD}. We tested the dashboard's pages with the demonstration
partnership's data:</p>
<ul>
{tested}
</ul>
<p>{html.escape(NOT_TESTED)}</p>

<h2>Preparation of this accessibility statement</h2>
<p>This statement was prepared on {PREPARED}. It was last reviewed on {REVIEWED}.</p>
</main></body></html>"""


def statement_route(contact: str | None = None, idle_minutes: int = 30) -> Route:
    """GET /accessibility: the statement, open to anyone (nothing of the partnership is in it)."""
    page = statement_page(contact, idle_minutes)

    async def show(request: Request) -> Response:
        return HTMLResponse(page)

    return Route(STATEMENT, show, methods=["GET"])
