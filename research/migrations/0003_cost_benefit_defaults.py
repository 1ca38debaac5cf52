from django.db import migrations

# Defaults from DOMAIN.md and the seed documents; administrators can change them.
DEFAULTS = [
    ("placement_prevented", "Uithuisplaatsing voorkomen (per kind, eerste jaar)", 20800,
     "Pleegzorg voorkomen: minimaal EUR 20.800 per kind in het eerste jaar (Eigen Kracht Centrale, seed 001)."),
    ("placement_ended", "Uithuisplaatsing beëindigd (per kind, eerste jaar)", 20800,
     "Een jaar pleegzorg minder: gelijkgesteld aan EUR 20.800 per kind (seed 001)."),
    ("supervision_prevented", "Ondertoezichtstelling voorkomen (per gezin, per jaar)", 17000,
     "Afgeleid uit seed 001: 100 conferenties met 29 keer OTS voorkomen of opgeheven, 44 keer "
     "uithuisplaatsing voorkomen en 14 keer beëindigd samen EUR 1,7 miljoen per jaar; na aftrek "
     "van 58 x EUR 20.800 blijft ongeveer EUR 17.000 per OTS."),
    ("supervision_lifted", "Ondertoezichtstelling opgeheven (per gezin, per jaar)", 17000,
     "Zoals 'ondertoezichtstelling voorkomen' (seed 001)."),
    ("eviction_prevented", "Huisuitzetting voorkomen (per huishouden)", 18500,
     "Kostenbesparing per conferentie bij dreigende huisuitzetting: EUR 18.500 tot 118.500 "
     "(seed 000); de ondergrens."),
    ("other", "Ander resultaat", 0, "Geen bedrag bekend."),
    ("conference_cost", "Kosten van één conferentie", 4500,
     "Aanname: de bronnen noemen geen bedrag per conferentie. Pas dit aan naar de eigen tarieven."),
]


def add_defaults(apps, schema_editor):
    Assumption = apps.get_model("research", "CostBenefitAssumption")
    for key, label, euros, source in DEFAULTS:
        Assumption.objects.get_or_create(key=key, defaults={"label": label, "euros": euros, "source": source})


class Migration(migrations.Migration):
    dependencies = [("research", "0002_cost_benefit")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
