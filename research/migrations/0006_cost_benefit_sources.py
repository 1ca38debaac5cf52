from django.db import migrations

PAMPHLET = (
    "Eigen Kracht Centrale, pamflet 'Toekomstbestendige zorg' aan de gemeenteraden "
    "(november 2023)"
)
KAMERSTUK = (
    "Eigen Kracht Centrale, achtergrond bij de uitnodiging van Tweede Kamerlid L. Ypma, "
    "Tweede Kamer 2015D00102 (januari 2015), met bedragen van Woonbond, Eropaf.org en Aedes"
)

# The first defaults named internal source files ("seed 001"); readers need the real
# source. Only texts nobody changed are replaced.
SOURCES = {
    "placement_prevented": (
        "Pleegzorg voorkomen: minimaal EUR 20.800 per kind in het eerste jaar (Eigen Kracht Centrale, seed 001).",
        f"Pleegzorg voorkomen: minimaal EUR 20.800 per kind in het eerste jaar. Bron: {PAMPHLET}.",
    ),
    "placement_ended": (
        "Een jaar pleegzorg minder: gelijkgesteld aan EUR 20.800 per kind (seed 001).",
        f"Een jaar pleegzorg minder: gelijkgesteld aan EUR 20.800 per kind. Bron: {PAMPHLET}.",
    ),
    "supervision_prevented": (
        "Afgeleid uit seed 001: 100 conferenties met 29 keer OTS voorkomen of opgeheven, 44 keer "
        "uithuisplaatsing voorkomen en 14 keer beëindigd samen EUR 1,7 miljoen per jaar; na aftrek "
        "van 58 x EUR 20.800 blijft ongeveer EUR 17.000 per OTS.",
        "Afgeleid: 100 conferenties met 29 keer OTS voorkomen of opgeheven, 44 keer "
        "uithuisplaatsing voorkomen en 14 keer beëindigd besparen samen EUR 1,7 miljoen per jaar; "
        f"na aftrek van 58 x EUR 20.800 blijft ongeveer EUR 17.000 per OTS. Bron: {PAMPHLET}.",
    ),
    "supervision_lifted": (
        "Zoals 'ondertoezichtstelling voorkomen' (seed 001).",
        f"Zoals 'ondertoezichtstelling voorkomen'. Bron: {PAMPHLET}.",
    ),
    "eviction_prevented": (
        "Kostenbesparing per conferentie bij dreigende huisuitzetting: EUR 18.500 tot 118.500 "
        "(seed 000); de ondergrens.",
        "Kostenbesparing per conferentie bij dreigende huisuitzetting: EUR 18.500 tot 118.500; "
        f"hier de ondergrens. Bron: {KAMERSTUK}.",
    ),
}


def cite_sources(apps, schema_editor):
    Assumption = apps.get_model("research", "CostBenefitAssumption")
    for key, (old, new) in SOURCES.items():
        Assumption.objects.filter(key=key, source=old).update(source=new)


def back_to_first_texts(apps, schema_editor):
    Assumption = apps.get_model("research", "CostBenefitAssumption")
    for key, (old, new) in SOURCES.items():
        Assumption.objects.filter(key=key, source=new).update(source=old)


class Migration(migrations.Migration):
    dependencies = [("research", "0005_dashboard_snapshot")]
    operations = [migrations.RunPython(cite_sources, back_to_first_texts)]
