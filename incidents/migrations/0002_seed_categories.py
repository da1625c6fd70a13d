from django.db import migrations

# code, parent, uz, ru, en, is_cyber, is_drug, is_fraud
CATEGORIES = [
    ("cybercrime", None, "Kiberjinoyat", "Киберпреступление", "Cybercrime", True, False, False),
    ("cyber-bank-card", "cybercrime", "Bank kartasi firibgarligi", "Мошенничество с банковскими картами",
     "Bank-card fraud", True, False, True),
    ("cyber-phishing", "cybercrime", "Zararli havola / fishing", "Вредоносная ссылка / фишинг",
     "Malicious link / phishing", True, False, True),
    ("cyber-sms-code", "cybercrime", "Aldov yo'li bilan olingan SMS-kod", "Выманивание SMS-кода",
     "Tricked SMS code", True, False, True),
    ("cyber-marketplace", "cybercrime", "Marketpleys firibgarligi", "Мошенничество на маркетплейсах",
     "Marketplace fraud", True, False, True),
    ("cyber-online-loan", "cybercrime", "Onlayn kredit firibgarligi", "Мошенничество с онлайн-кредитами",
     "Online-loan fraud", True, False, True),
    ("cyber-extortion", "cybercrime", "Tovlamachilik (onlayn)", "Вымогательство (онлайн)", "Extortion",
     True, False, False),
    ("drug-trafficking", None, "Giyohvand moddalar savdosi", "Незаконный оборот наркотиков",
     "Drug trafficking", False, True, False),
    ("drug-possession", None, "Giyohvand moddalarni saqlash", "Хранение наркотиков", "Drug possession",
     False, True, False),
    ("theft", None, "O'g'rilik", "Кража", "Theft", False, False, False),
    ("robbery", None, "Talonchilik", "Грабёж", "Robbery", False, False, False),
    ("fraud", None, "Firibgarlik (oflayn)", "Мошенничество (офлайн)", "Fraud (offline)", False, False, True),
    ("assault", None, "Tan jarohati yetkazish", "Нанесение телесных повреждений", "Assault", False, False,
     False),
    ("domestic-violence", None, "Oilaviy zo'ravonlik", "Домашнее насилие", "Domestic violence", False, False,
     False),
    ("hooliganism", None, "Bezorilik", "Хулиганство", "Hooliganism", False, False, False),
    ("other", None, "Boshqa", "Другое", "Other", False, False, False),
]


def seed(apps, schema_editor):
    category = apps.get_model("incidents", "IncidentCategory")
    by_code = {}
    for order, (code, parent, uz, ru, en, cyber, drug, fraud) in enumerate(CATEGORIES):
        by_code[code], _ = category.objects.update_or_create(code=code, defaults={
            "parent": by_code.get(parent), "name_uz": uz, "name_ru": ru, "name_en": en, "is_cyber": cyber,
            "is_drug": drug, "is_fraud": fraud, "active": True, "sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
