"""The network drawn as SVG on the server: no JavaScript, the same in every browser.

The main persons sit in the middle; everyone else sits on a ring around them,
grouped by their relation (a sector per relation), coloured by where their
invitation stands or, once the conference is held, by whether they came. For a
restorative conference, the victim's side is on the left and the offender's side
on the right.

The page shows the network as a list first; the drawing is an extra. Its labels
are 13 units high in an 880 wide picture: the page keeps it at least 812 px wide
(scrolling sideways on a phone) so that they stay 12 px or more.
"""

import math
from collections import defaultdict
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from conferences.models import Attendance
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
# After the conference: the same colours for the same meaning.
ATTENDANCE_COLOURS = {
    Attendance.ATTENDED: COLOURS[Invitation.CONFIRMED],
    Attendance.DECLINED: COLOURS[Invitation.DECLINED],
    Attendance.ABSENT: ("#e9ecef", "#343a40"),
    Attendance.EXCLUDED: COLOURS[Invitation.EXCLUDED],
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


def _status(member, attendance):
    """(fill, ink, dashed, label) of a member: their attendance if given, else invitation."""
    code = attendance.get(member.pk)
    if code is not None:
        fill, ink = ATTENDANCE_COLOURS[code]
        return fill, ink, False, str(Attendance(code).label)
    fill, ink = COLOURS[member.invitation]
    dashed = member.invitation == Invitation.TO_INVITE
    return fill, ink, dashed, str(member.get_invitation_display())


def _label_lines(name):
    """The name on two lines (first name, then the rest), each short enough for a circle."""
    first, _space, rest = name.strip().partition(" ")
    if not rest:
        return [_short(first, 10)]
    return [_short(first, 10), _short(rest, 10)]


def _member(member, x, y, attendance):
    fill, ink, dashed, status = _status(member, attendance)
    # A white or grey circle needs a dark edge; a coloured one is edged in its own colour.
    stroke = ink if fill in ("#ffffff", "#e9ecef") else fill
    dash = ' stroke-dasharray="4 3"' if dashed else ""
    lines = _label_lines(member.name)
    top = y + 5 - 8 * (len(lines) - 1)
    return (
        f'<line x1="{CX}" y1="{CY}" x2="{x:.1f}" y2="{y:.1f}" stroke="#dee2e6"/>'
        f"<g><title>{escape(member.name)}: {escape(status)}</title>"
        + _circle(x, y, 34, fill, stroke, dash)
        + "".join(_text_at(x, top + 16 * i, line, 13, ink) for i, line in enumerate(lines))
        + "</g>"
    )


def network_svg(referral, members, restorative=False, attendance=None):
    """The SVG text of the drawing (safe to put into a page as is). ``attendance``
    maps member id to an Attendance code once the conference is held."""
    attendance = attendance or {}
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
            parts.append(_member(member, x, y, attendance))
        angle += span
    # The family last, over the lines to everyone.
    parts.append(_circle(CX, CY, 58, "#212529", "#212529"))
    parts.append(
        _text_at(CX, CY + 6, _short(referral.family_name or _("family"), 16), 17, "#ffffff")
    )
    parts.append("</svg>")
    return "".join(parts)


def legend(members, attendance=None):
    """(code, label, colour, count) for the legend under the drawing: the invitations,
    or, once the conference is held, who came."""
    counts = defaultdict(int)
    if attendance:
        for member in members:
            counts[attendance.get(member.pk, "")] += 1
        return [
            {
                "code": code,
                "label": label,
                "fill": ATTENDANCE_COLOURS[code][0],
                "count": counts[code],
            }
            for code, label in Attendance.choices
        ]
    for member in members:
        counts[member.invitation] += 1
    return [
        {"code": code, "label": label, "fill": COLOURS[code][0], "count": counts[code]}
        for code, label in Invitation.choices
    ]
