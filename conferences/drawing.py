"""The network drawn as SVG on the server: no JavaScript, the same in every browser.

The main persons sit in the middle; everyone else sits on a ring around them,
grouped by their relation (a sector per relation), coloured by where their
invitation stands. For a restorative conference, the victim's side is on the
left and the offender's side on the right.
"""

import math
from collections import defaultdict
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from referrals.models import Invitation, Relation, Side

# Wider than high, so the sector labels on the left and right fit.
WIDTH, HEIGHT = 880, 700
CX, CY = WIDTH / 2, HEIGHT / 2
OUTER, INNER, LABEL = 240, 160, 292
# Colours with enough contrast against white (WCAG AA for large shapes and text).
COLOURS = {
    Invitation.TO_INVITE: ("#ffffff", "#495057"),
    Invitation.INVITED: ("#cfe2ff", "#084298"),
    Invitation.CONFIRMED: ("#198754", "#ffffff"),
    Invitation.DECLINED: ("#ffe5d0", "#8a3c00"),
    Invitation.EXCLUDED: ("#dc3545", "#ffffff"),
}
RELATION_ORDER = [
    Relation.PARENT,
    Relation.CHILD,
    Relation.SIBLING,
    Relation.GRANDPARENT,
    Relation.OTHER_FAMILY,
    Relation.FRIEND,
    Relation.NEIGHBOUR,
    Relation.PROFESSIONAL,
    Relation.OTHER,
]


def _short(name, limit=14):
    name = name.strip()
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _groups(members, restorative):
    """(label, members) per sector, in a fixed order, leaving out empty ones."""
    grouped = defaultdict(list)
    for member in members:
        side = member.side if restorative else ""
        grouped[(side, member.relation)].append(member)
    sides = [Side.VICTIM, Side.OFFENDER, ""] if restorative else [""]
    order = []
    for side in sides:
        for relation in RELATION_ORDER:
            if grouped.get((side, relation)):
                label = str(Relation(relation).label)
                if side:
                    label = f"{label} ({Side(side).label.lower()})"
                order.append((label, grouped[(side, relation)]))
    return order


def _circle(x, y, r, fill, stroke, extra=""):
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="2"{extra}/>'
    )


def _text_at(x, y, text, size, fill, anchor="middle"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="sans-serif" fill="{fill}">{escape(text)}</text>'
    )


def _member(member, x, y):
    fill, ink = COLOURS[member.invitation]
    # A white circle needs a dark edge; a coloured one is edged in its own colour.
    stroke = ink if fill == "#ffffff" else fill
    dash = ' stroke-dasharray="4 3"' if member.invitation == Invitation.TO_INVITE else ""
    status = str(member.get_invitation_display())
    return (
        f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
        f"<g><title>{escape(member.name)}: {escape(status)}</title>"
        + _circle(x, y, 34, fill, stroke, dash)
        + _text_at(x, y + 5, _short(member.name, 10), 13, ink)
        + "</g>"
    )


def network_svg(referral, members, restorative=False):
    """The SVG text of the drawing (safe to put into a page as is)."""
    groups = _groups(members, restorative)
    heading = _("Network drawing")
    people = ngettext("%(n)s person", "%(n)s people", len(members)) % {"n": len(members)}
    title = f"{heading}: {people}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'role="img" aria-labelledby="network-title" class="network-drawing">',
        f'<title id="network-title">{escape(title)}</title>',
        _circle(CX, CY, OUTER, "none", "#dee2e6"),
        _circle(CX, CY, INNER, "none", "#e9ecef"),
    ]
    if restorative:
        parts.append(
            f'<line x1="{CX}" y1="20" x2="{CX}" y2="{HEIGHT - 20}" stroke="#adb5bd" '
            'stroke-dasharray="6 6"/>'
        )
    parts.append(_circle(CX, CY, 58, "#212529", "#212529"))
    parts.append(
        _text_at(CX, CY + 6, _short(referral.family_name or _("family"), 16), 17, "#ffffff")
    )
    total = sum(len(group) for _label, group in groups) or 1
    angle = -math.pi / 2
    for label, group in groups:
        span = 2 * math.pi * len(group) / total
        mid = angle + span / 2
        anchor = "start" if math.cos(mid) > 0.2 else ("end" if math.cos(mid) < -0.2 else "middle")
        x, y = CX + LABEL * math.cos(mid), CY + LABEL * math.sin(mid)
        parts.append(_text_at(x, y, label, 15, "#343a40", anchor))
        for index, member in enumerate(group):
            theta = angle + span * (index + 0.5) / len(group)
            # Alternate two rings in a crowded sector so circles do not overlap.
            radius = OUTER if index % 2 == 0 or len(group) < 4 else INNER
            x, y = CX + radius * math.cos(theta), CY + radius * math.sin(theta)
            parts.append(_member(member, x, y))
        angle += span
    parts.append("</svg>")
    return "".join(parts)


def legend(members):
    """(invitation, label, colours, count) for the legend under the drawing."""
    counts = defaultdict(int)
    for member in members:
        counts[member.invitation] += 1
    return [
        {"code": code, "label": label, "fill": COLOURS[code][0], "count": counts[code]}
        for code, label in Invitation.choices
    ]
