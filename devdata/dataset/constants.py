"""The dataset's names, sizes and shares, and the round's criteria."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from selection.models import Nomination

TAG = "[dataset]"  # ends the round's English title
USER_PREFIX = "ds-"
STAFF_USERNAME = "ds-central-staff"
BATCH_SIZE = 5000
PRODUCERS_PER_PRODUCT = 0.93  # ~93,000 producers for ~100,000 products
NOMINATED_SHARE = 0.16  # ~16,000 of ~100,000 products enter the round
# The OTOP Product Champion grading (--preset opc): every certified product a
# producer enters goes in, no tambon quota; the share is chosen so that about
# 16,000 of 100,000 products pass the provinces' threshold (the 2022 national
# stage graded 16,084).
OPC_NOMINATED_SHARE = 0.213
# The provinces score parts A and B only: 70 points here, of which 60 % goes up.
OPC_PROVINCE_THRESHOLD = 42
CERTIFIED_SHARE = 0.85
WITHDRAWN_SHARE = 0.01
CONFLICT_SHARE = 0.01  # nominations where one member declares a conflict
BANGKOK = ZoneInfo("Asia/Bangkok")
State = Nomination.State
# The services' audit notes (msgids in their catalogue), written the same way.
AWARD_NOTE = "%(stars)s stars, score %(score)s (provincial %(provincial)s)"

# Ten criteria per tier, 100 points (as tests/selection/ladder.py CRITERIA).
CRITERIA = (
    ("A", "A1", "ความเข้มแข็งของกลุ่มผู้ผลิต", "Strength of the producer group"),
    ("A", "A2", "การใช้วัตถุดิบในท้องถิ่น", "Use of local raw materials"),
    ("A", "A3", "ภูมิปัญญาท้องถิ่นในการผลิต", "Local wisdom in production"),
    ("A", "A4", "กระบวนการผลิตและกำลังการผลิต", "Production process and capacity"),
    ("B", "B1", "เรื่องราวของผลิตภัณฑ์", "The product's story"),
    ("B", "B2", "ช่องทางการตลาดและยอดจำหน่าย", "Sales channels and sales"),
    ("B", "B3", "บรรจุภัณฑ์และตราสินค้า", "Packaging and brand"),
    ("C", "C1", "คุณภาพและความสม่ำเสมอของผลิตภัณฑ์", "Quality and consistency"),
    ("C", "C2", "มาตรฐานและความปลอดภัย", "Standards and safety"),
    ("C", "C3", "ความคิดสร้างสรรค์และเอกลักษณ์", "Creativity and identity"),
)
CRITERION_MAX = Decimal(10)
PARTS = {"A": slice(0, 4), "B": slice(4, 7), "C": slice(7, 10)}

# The central grading subcommittees of --preset opc: one per product type, as
# the OTOP Product Champion grading splits the centre's work by product group.
GRADING_TYPES = ("FOOD", "DRINK", "TEXTILE", "HOUSEHOLD", "HERBAL")
PANEL_SEATS = ["chair", "secretary", "member", "member", "member"]

# Shares of the generated data --------------------------------------------------

# Product type → share of products (a type central staff added gets 5).
TYPE_WEIGHTS = {"FOOD": 35, "DRINK": 10, "TEXTILE": 22, "HOUSEHOLD": 23, "HERBAL": 10}
ORIGIN_SHARE = 0.35  # names with a well-known place
HOME_SHARE = 0.30  # names with the producer's own tambon
