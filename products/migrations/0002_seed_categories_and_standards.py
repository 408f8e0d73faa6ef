"""Seed the five OTOP product types with their sub-types, and the standards.

Central staff may edit both afterwards; rows are matched by code, so the
migration never overwrites their edits when re-applied on a fresh database.
"""

from django.db import migrations

CATEGORIES = [
    (
        "FOOD",
        "อาหาร",
        "Food",
        [
            ("FOOD-RICE", "ข้าวและผลิตภัณฑ์จากธัญพืช", "Rice and cereal products"),
            ("FOOD-SNACK", "ขนมและของว่าง", "Snacks and sweets"),
            ("FOOD-FRUIT", "ผักและผลไม้แปรรูป", "Processed fruit and vegetables"),
            (
                "FOOD-SEASON",
                "เครื่องปรุงรส น้ำพริก และซอส",
                "Seasonings, chilli pastes and sauces",
            ),
            ("FOOD-MEAT", "เนื้อสัตว์และสัตว์น้ำแปรรูป", "Processed meat and fish"),
        ],
    ),
    (
        "DRINK",
        "เครื่องดื่ม",
        "Drinks",
        [
            ("DRINK-NONALC", "เครื่องดื่มไม่มีแอลกอฮอล์", "Non-alcoholic drinks"),
            ("DRINK-TEA", "ชา กาแฟ และเครื่องดื่มสมุนไพร", "Tea, coffee and herbal drinks"),
            ("DRINK-ALC", "เครื่องดื่มแอลกอฮอล์", "Alcoholic drinks"),
        ],
    ),
    (
        "TEXTILE",
        "ผ้า เครื่องแต่งกาย",
        "Textiles and apparel",
        [
            ("TEXTILE-SILK", "ผ้าไหม", "Silk"),
            ("TEXTILE-COTTON", "ผ้าฝ้าย", "Cotton"),
            ("TEXTILE-OTHER", "ผ้าอื่น ๆ และผ้าใยผสม", "Other and blended fabrics"),
            ("TEXTILE-GARMENT", "เครื่องแต่งกายและเครื่องประดับ", "Garments and accessories"),
        ],
    ),
    (
        "HOUSEHOLD",
        "ของใช้ ของตกแต่ง ของที่ระลึก",
        "Household items, decorations and souvenirs",
        [
            ("HOUSEHOLD-WEAVE", "เครื่องจักสาน", "Basketry and woven goods"),
            ("HOUSEHOLD-WOOD", "ผลิตภัณฑ์ไม้และไม้แกะสลัก", "Wood and woodcarving"),
            ("HOUSEHOLD-CERAMIC", "เครื่องปั้นดินเผาและเซรามิก", "Pottery and ceramics"),
            ("HOUSEHOLD-METAL", "เครื่องโลหะและเครื่องประดับ", "Metalwork and jewellery"),
            ("HOUSEHOLD-SOUVENIR", "ของตกแต่งและของที่ระลึก", "Decorations and souvenirs"),
        ],
    ),
    (
        "HERBAL",
        "สมุนไพรที่ไม่ใช่อาหาร",
        "Non-food herbal products",
        [
            ("HERBAL-COSMETIC", "เครื่องสำอางสมุนไพร", "Herbal cosmetics"),
            (
                "HERBAL-SPA",
                "ผลิตภัณฑ์สปาและน้ำมันหอมระเหย",
                "Spa products and essential oils",
            ),
            ("HERBAL-REMEDY", "ยาสมุนไพรและผลิตภัณฑ์บรรเทาอาการ", "Herbal remedies"),
            ("HERBAL-CLEAN", "ผลิตภัณฑ์ทำความสะอาดจากสมุนไพร", "Herbal cleaning products"),
        ],
    ),
]

STANDARDS = [
    ("FDA", "อย. (สำนักงานคณะกรรมการอาหารและยา)", "Thai FDA"),
    ("TCPS", "มผช. (มาตรฐานผลิตภัณฑ์ชุมชน)", "Thai Community Product Standard (TCPS)"),
    ("TIS", "มอก. (มาตรฐานผลิตภัณฑ์อุตสาหกรรม)", "Thai Industrial Standard (TIS)"),
    ("GMP", "GMP", "Good Manufacturing Practice (GMP)"),
    ("GAP", "GAP", "Good Agricultural Practice (GAP)"),
    ("HACCP", "HACCP", "HACCP"),
    ("HALAL", "ฮาลาล", "Halal"),
    ("ORGANIC", "เกษตรอินทรีย์", "Organic"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("products", "Category")
    Standard = apps.get_model("products", "Standard")
    for type_order, (code, name_th, name_en, children) in enumerate(CATEGORIES, 1):
        parent, _ = Category.objects.get_or_create(
            code=code,
            defaults={"name_th": name_th, "name_en": name_en, "order": type_order},
        )
        for order, (child_code, child_th, child_en) in enumerate(children, 1):
            Category.objects.get_or_create(
                code=child_code,
                defaults={
                    "parent": parent,
                    "name_th": child_th,
                    "name_en": child_en,
                    "order": order,
                },
            )
    for order, (code, name_th, name_en) in enumerate(STANDARDS, 1):
        Standard.objects.get_or_create(
            code=code, defaults={"name_th": name_th, "name_en": name_en, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
