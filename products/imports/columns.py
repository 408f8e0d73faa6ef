"""The columns of the import sheets and the templates' example rows."""

PRODUCT_COLUMNS = (
    "tambon_code",
    "producer_registration_number",
    "producer_name_th",
    "category_code",
    "name_th",
    "name_en",
    "description",
    "story",
    "price",
    "unit",
    "monthly_capacity",
    "certificate_standard",
    "certificate_number",
    "certificate_issued_on",
    "certificate_expires_on",
)
PRODUCT_REQUIRED_COLUMNS = ("category_code", "name_th")

PRODUCER_REQUIRED_COLUMNS = ("tambon_code", "kind", "name_th")

# Optional: the producer's OTOP registration made before the portal (status
# "applied" or "approved"; an approved one with its number and end date).
# Import only: the export's columns (communities.resources) stay the producer's.
REGISTRATION_COLUMNS = (
    "otop_status",
    "otop_number",
    "otop_applied_on",
    "otop_valid_until",
)

# One example row for the downloadable templates.
PRODUCT_EXAMPLE = {
    "tambon_code": "500101",
    "producer_name_th": "กลุ่มทอผ้าบ้านตัวอย่าง",
    "category_code": "TEXTILE-COTTON",
    "name_th": "ผ้าฝ้ายทอมือลายดอกแก้ว",
    "name_en": "Hand-woven cotton, Dok Kaeo pattern",
    "story": "ลายผ้าที่สืบทอดจากบรรพบุรุษ ย้อมสีธรรมชาติจากเปลือกไม้ในชุมชน",
    "price": "450",
    "unit": "ผืน",
    "monthly_capacity": "120",
    "certificate_standard": "TCPS",
    "certificate_number": "มผช. 12/2568",
    "certificate_issued_on": "01/03/2568",
    "certificate_expires_on": "28/02/2571",
}
PRODUCER_EXAMPLE = {
    "tambon_code": "500101",
    "kind": "community",
    "name_th": "กลุ่มทอผ้าบ้านตัวอย่าง",
    "name_en": "Ban Tua Yang Weaving Group",
    "registration_number": "",
    "address": "12 หมู่ 3",
    "contact_person": "นางสมศรี ใจดี",
    "phone": "081-234-5678",
    "email": "",
    "member_count": "25",
    "founded_year": "2548",
    "otop_status": "approved",
    "otop_number": "OTOP-50-2566-00012",
    "otop_applied_on": "15/01/2566",
    "otop_valid_until": "31/01/2570",
}
