"""Categories for what street cameras see (weapons, fights, crowds, vandalism, break-ins, vehicle theft), so a
confirmed camera alert lands in a category that says what happened instead of "Other". Sub-categories sit under
the top-level group their offence is counted in; weapons get a group of their own."""

from django.db import migrations

# code, parent, uz, ru, en, sort_order (after its parent's)
CATEGORIES = [
    ("theft-break-in", "theft", "Obyekt yoki hududga noqonuniy kirish", "Проникновение на объект или территорию",
     "Break-in or trespass", 91),
    ("theft-vehicle", "theft", "Transport vositasini olib qochish", "Угон транспортного средства",
     "Vehicle theft", 92),
    ("hooliganism-fight", "hooliganism", "Mushtlashuv", "Драка", "Fight", 141),
    ("hooliganism-disorder", "hooliganism", "Jamoat tartibini buzish (olomon)",
     "Нарушение общественного порядка (скопление людей)", "Public disorder (crowd)", 142),
    ("hooliganism-vandalism", "hooliganism", "Vandalizm (mulkni buzish)", "Вандализм (порча имущества)",
     "Vandalism (damage to property)", 143),
    ("weapons", None, "Qurol bilan bog'liq huquqbuzarlik", "Правонарушения, связанные с оружием",
     "Weapons offences", 145),
    ("weapons-carrying", "weapons", "Qurol olib yurish yoki ko'rsatish", "Ношение или демонстрация оружия",
     "Carrying or showing a weapon", 146),
]


def seed(apps, schema_editor):
    category = apps.get_model("incidents", "IncidentCategory")
    for code, parent, uz, ru, en, order in CATEGORIES:
        category.objects.update_or_create(code=code, defaults={
            "parent": category.objects.filter(code=parent).first() if parent else None, "name_uz": uz,
            "name_ru": ru, "name_en": en, "is_cyber": False, "is_drug": False, "is_fraud": False, "active": True,
            "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0006_registered_constraints")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
