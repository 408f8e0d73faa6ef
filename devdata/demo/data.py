"""The demo world's data: where it is, who is in it, what they make, and how
far each product climbs the ladder. Pure data; devdata.demo.world builds it."""

from dataclasses import dataclass

DEMO_PASSWORD = "demo-otop-2570"  # noqa: S105 (printed for everyone: demo only)
# Marks the demo's rounds (title_en), so --reset never touches another round.
DEMO_TAG = "(demo)"

# People ----------------------------------------------------------------------


@dataclass(frozen=True)
class Login:
    username: str
    display_name: str
    role: str
    area: str
    try_this: str


@dataclass(frozen=True)
class DemoAmphoe:
    code: str
    slug: str
    area: str  # English, for the logins table
    tambons: tuple[str, ...]


AMPHOES = (
    DemoAmphoe(
        "5013",
        "sankamphaeng",
        "San Kamphaeng, Chiang Mai",
        ("501301", "501312", "501306"),
    ),
    DemoAmphoe(
        "5015", "hangdong", "Hang Dong, Chiang Mai", ("501501", "501505", "501503")
    ),
    DemoAmphoe(
        "4701", "mueangsakon", "Mueang Sakon Nakhon", ("470112", "470102", "470107")
    ),
    DemoAmphoe(
        "4704",
        "phannanikhom",
        "Phanna Nikhom, Sakon Nakhon",
        ("470401", "470406", "470402"),
    ),
)
PROVINCES = {"50": "Chiang Mai province", "47": "Sakon Nakhon province"}
QUEUE = "/admin/selection/queuenomination/"
RANKINGS = "/admin/selection/ranking/"

LOGINS = (
    Login(
        "central-staff",
        "นางสาวอรอุมา ทองประเสริฐ",
        "central staff (CDD)",
        "whole country",
        "publish the last awarded product of the previous round at "
        "/admin/registry/registryentry/publish/; the national report at "
        "/reports/; rounds, committees and officer assignments in /admin/",
    ),
    Login(
        "central-chair",
        "นายไพศาล จิตรวิบูลย์",
        "central committee chair",
        "whole country",
        f"the previous round's central ranking and awards at {RANKINGS} "
        "(this year's round has not reached the centre yet)",
    ),
    Login(
        "central-secretary",
        "นางสาวศศิธร มณีรัตน์",
        "central committee secretary",
        "whole country",
        f"the previous round's central ranking at {RANKINGS}",
    ),
    Login(
        "central-member1",
        "นายปกรณ์ อุดมศักดิ์",
        "central committee member",
        "whole country",
        "the registry as the public sees it at /registry/",
    ),
    Login(
        "central-member2",
        "นางพรทิพย์ เรืองชัย",
        "central committee member",
        "whole country",
        "your committees and conflicts at /committees/",
    ),
    Login(
        "province-50-chair",
        "นายวิทยา ศรีวงศ์",
        "provincial chair",
        PROVINCES["50"],
        f"score the two products San Kamphaeng forwarded: {QUEUE}",
    ),
    Login(
        "province-50-secretary",
        "นางสุภาพร คำมูล",
        "provincial secretary",
        PROVINCES["50"],
        f"your sheets are in; return a nomination for revision from {QUEUE}; "
        "last year's approved support plan and budget at /plans/",
    ),
    Login(
        "province-50-member",
        "นายก้องเกียรติ ชัยมงคล",
        "provincial member",
        PROVINCES["50"],
        f"score the forwarded products: {QUEUE}",
    ),
    Login(
        "province-47-chair",
        "นายอดิศักดิ์ ภูมิสถาน",
        "provincial chair",
        PROVINCES["47"],
        f"nothing forwarded yet this year; last year's ranking at {RANKINGS}",
    ),
    Login(
        "province-47-secretary",
        "นางกาญจนา วงศ์ละคร",
        "provincial secretary",
        PROVINCES["47"],
        f"last year's provincial ranking and its export at {RANKINGS}",
    ),
    Login(
        "province-47-member",
        "นายบุญเลิศ สีหานาม",
        "provincial member",
        PROVINCES["47"],
        "your inbox at /inbox/",
    ),
    Login(
        "amphoe-5013-chair",
        "นายวรวุฒิ ตั้งมั่น",
        "district chair",
        "San Kamphaeng, Chiang Mai",
        f"your ranking is approved, two products forwarded: {RANKINGS}",
    ),
    Login(
        "amphoe-5013-secretary",
        "นางสาวจิราพร สุขเกษม",
        "district secretary",
        "San Kamphaeng, Chiang Mai",
        f"the approved ranking and its print page: {RANKINGS}",
    ),
    Login(
        "amphoe-5013-member",
        "นายสุรเชษฐ์ บุญมา",
        "district member",
        "San Kamphaeng, Chiang Mai",
        "your committee at /committees/",
    ),
    Login(
        "amphoe-5015-chair",
        "นายประพันธ์ วงค์ษา",
        "district chair",
        "Hang Dong, Chiang Mai",
        f"approve (or reopen) the finalized ranking: {RANKINGS}",
    ),
    Login(
        "amphoe-5015-secretary",
        "นางรัตนา อินต๊ะ",
        "district secretary",
        "Hang Dong, Chiang Mai",
        f"move an entry of the finalized ranking, with a reason: {RANKINGS}",
    ),
    Login(
        "amphoe-5015-member",
        "นายเอกชัย ปัญญาดี",
        "district member",
        "Hang Dong, Chiang Mai",
        f"the finalized ranking: {RANKINGS}",
    ),
    Login(
        "amphoe-4701-chair",
        "นายสมพงษ์ ศรีสุวรรณ",
        "district chair",
        "Mueang Sakon Nakhon",
        f"every sheet is in; review the means: {QUEUE}",
    ),
    Login(
        "amphoe-4701-secretary",
        "นางสาวปิยะนุช แก้วมณี",
        "district secretary",
        "Mueang Sakon Nakhon",
        f"every sheet is in: finalize the ranking at {RANKINGS}",
    ),
    Login(
        "amphoe-4701-member",
        "นายชาตรี โพธิ์ศรี",
        "district member",
        "Mueang Sakon Nakhon",
        f"change a submitted sheet before the ranking closes: {QUEUE}",
    ),
    Login(
        "amphoe-4704-chair",
        "นายธีระ จันทร์หอม",
        "district chair",
        "Phanna Nikhom, Sakon Nakhon",
        f"score the queue: {QUEUE}",
    ),
    Login(
        "amphoe-4704-secretary",
        "นางวันเพ็ญ บุตรดี",
        "district secretary",
        "Phanna Nikhom, Sakon Nakhon",
        f"finish your draft sheet, score the rest, return one: {QUEUE}",
    ),
    Login(
        "amphoe-4704-member",
        "นายไพโรจน์ ทองดี",
        "district member",
        "Phanna Nikhom, Sakon Nakhon",
        f"score the rest (one producer is a declared conflict): {QUEUE}",
    ),
    Login(
        "officer-sankamphaeng",
        "นางสาวพิมพ์ชนก วงศ์ใหญ่",
        "community development officer",
        "3 tambons of San Kamphaeng",
        "submit the draft nomination at /officer/nominations/",
    ),
    Login(
        "officer-hangdong",
        "นายณัฐพล คำแสน",
        "community development officer",
        "3 tambons of Hang Dong",
        "renew the expired certificate of ลำไยกวน, then nominate it: "
        "/officer/products/",
    ),
    Login(
        "officer-mueangsakon",
        "นางสาวกมลวรรณ ศรีบุญเรือง",
        "community development officer",
        "3 tambons of Mueang Sakon Nakhon",
        "answer the committee and resubmit the returned nomination: "
        "/officer/nominations/",
    ),
    Login(
        "officer-phannanikhom",
        "นายอนุชา พลราชม",
        "community development officer",
        "3 tambons of Phanna Nikhom",
        "submit the draft nomination; producers, imports and forums at /officer/",
    ),
)
USERNAMES = tuple(login.username for login in LOGINS)
OFFICERS = {amphoe.code: f"officer-{amphoe.slug}" for amphoe in AMPHOES}

# Central staff hold global permissions (DESIGN.md §4): the views of the
# domain apps, and these rights to write.
CENTRAL_STAFF_APPS = (
    "accounts",
    "communities",
    "products",
    "committees",
    "selection",
    "registry",
    "notifications",
)
CENTRAL_STAFF_RIGHTS = (
    "selection.manage_round",
    "communities.approve_registration",
    "registry.publish_entry",
    "committees.add_committee",
    "committees.change_committee",
    "committees.add_membership",
    "committees.change_membership",
    "communities.add_officerassignment",
    "communities.change_officerassignment",
    "products.add_category",
    "products.change_category",
    "products.add_standard",
    "products.change_standard",
    "notifications.change_delivery",
)

# The current round is run as the OTOP Product Champion grading: a product
# needs a certificate of one of these on the cut-off date, and the province
# forwards what scores at least this (out of parts A and B's points).
OPC_STANDARDS = ("FDA", "TCPS", "TIS", "GMP")
OPC_THRESHOLD = 35  # of 50

# What the amphoes have reached in the current round.
APPROVED, FINALIZED, SCORED, SCORING = "approved", "finalized", "scored", "scoring"
CURRENT_PHASE = {"5013": APPROVED, "5015": FINALIZED, "4701": SCORED, "4704": SCORING}

# Criteria and rounds ---------------------------------------------------------

# The OTOP Product Champion sheet: part ก 25, part ข 25, part ค 50 points.
CRITERIA = (
    (
        "A",
        "A1",
        10,
        "ความเข้มแข็งของกลุ่มผู้ผลิตและการบริหารจัดการ",
        "Producer group strength and management",
    ),
    ("A", "A2", 8, "การใช้วัตถุดิบและภูมิปัญญาท้องถิ่น", "Local raw materials and wisdom"),
    (
        "A",
        "A3",
        7,
        "กระบวนการผลิตและการควบคุมคุณภาพ",
        "Production process and quality control",
    ),
    ("B", "B1", 10, "เรื่องราวและอัตลักษณ์ของผลิตภัณฑ์", "The product's story and identity"),
    (
        "B",
        "B2",
        10,
        "ศักยภาพทางการตลาดและช่องทางจำหน่าย",
        "Market potential and sales channels",
    ),
    ("B", "B3", 5, "การพัฒนาและต่อยอดผลิตภัณฑ์", "Product development"),
    ("C", "C1", 20, "คุณภาพและความปลอดภัยของผลิตภัณฑ์", "Quality and safety"),
    ("C", "C2", 15, "บรรจุภัณฑ์และฉลาก", "Packaging and labelling"),
    ("C", "C3", 15, "มาตรฐานที่ได้รับการรับรอง", "Certified standards"),
)
ROUND_TITLE_TH = "การคัดสรรสุดยอดหนึ่งตำบล หนึ่งผลิตภัณฑ์ไทย ปี {be}"
ROUND_TITLE_EN = "OTOP Product Champion selection {ce} " + DEMO_TAG

# Producers and products ------------------------------------------------------


@dataclass(frozen=True)
class DemoProducer:
    key: str
    tambon: str
    kind: str
    name_th: str
    name_en: str
    contact: str
    members: int | None
    founded: int  # C.E.


@dataclass(frozen=True)
class DemoProduct:
    key: str
    producer: str
    category: str
    name_th: str
    name_en: str
    description: str
    story: str
    materials: tuple[tuple[str, bool], ...]
    certificates: tuple[str, ...]  # standard codes
    price: str
    unit: str
    capacity: int
    # Mean points at the amphoe, province and central tiers of the previous
    # round (only as far as the product climbs), or None if not nominated.
    previous: tuple[int, ...] | None = None
    # In the current round: "draft", "submit", "return", "withdraw" or None.
    current: str | None = None
    score: int = 0  # mean points at the current round's committees
    certificate_expired: bool = False


COMMUNITY, SINGLE, SME = "community", "single_owner", "sme"

PRODUCERS = (
    DemoProducer(
        "borsang",
        "501312",
        COMMUNITY,
        "วิสาหกิจชุมชนศูนย์อนุรักษ์ร่มบ่อสร้าง",
        "Bo Sang Umbrella Conservation Community Enterprise",
        "นางบัวคำ ปัญญาวงศ์",
        42,
        1985,
    ),
    DemoProducer(
        "sankamphaeng_silk",
        "501301",
        COMMUNITY,
        "กลุ่มทอผ้าไหมยกดอกบ้านสันกำแพง",
        "San Kamphaeng Brocade Weavers' Group",
        "นางศรีนวล อินทร์แก้ว",
        27,
        1992,
    ),
    DemoProducer(
        "ontai_kitchen",
        "501306",
        COMMUNITY,
        "กลุ่มแม่บ้านเกษตรกรออนใต้",
        "On Tai Farm Housewives' Group",
        "นางจันทร์เพ็ญ ใจมา",
        24,
        2003,
    ),
    DemoProducer(
        "pa_si",
        "501301",
        SINGLE,
        "ไส้อั่วป้าศรีสันกำแพง",
        "Auntie Si's Sai Ua, San Kamphaeng",
        "นางศรีวรรณ คำปัน",
        None,
        2011,
    ),
    DemoProducer(
        "tawai",
        "501505",
        COMMUNITY,
        "วิสาหกิจชุมชนหัตถกรรมไม้แกะสลักบ้านถวาย",
        "Ban Tawai Woodcarving Community Enterprise",
        "นายสมบูรณ์ ใจคำ",
        56,
        1988,
    ),
    DemoProducer(
        "hangdong_longan",
        "501501",
        COMMUNITY,
        "กลุ่มเกษตรกรผู้ปลูกลำไยหางดง",
        "Hang Dong Longan Growers' Group",
        "นายประเสริฐ ธรรมวงค์",
        65,
        1998,
    ),
    DemoProducer(
        "doi_coffee",
        "501501",
        SME,
        "ห้างหุ้นส่วนจำกัด กาแฟดอยหางดง",
        "Doi Hang Dong Coffee Ltd. Part.",
        "นายธนกฤต ศรีวิชัย",
        None,
        2015,
    ),
    DemoProducer(
        "hankaeo_crafts",
        "501503",
        COMMUNITY,
        "กลุ่มหัตถกรรมบ้านหารแก้ว",
        "Han Kaeo Handicraft Group",
        "นางคำปุ่น สุภา",
        31,
        2001,
    ),
    DemoProducer(
        "phonyangkham",
        "470112",
        SME,
        "สหกรณ์โคขุนโพนยางคำ จำกัด",
        "Phon Yang Kham Beef Cattle Cooperative",
        "นายวิเชียร ศรีโคตร",
        None,
        1980,
    ),
    DemoProducer(
        "khamin_makmao",
        "470102",
        COMMUNITY,
        "วิสาหกิจชุมชนแปรรูปหมากเม่าบ้านขมิ้น",
        "Ban Khamin Mao Berry Processing Community Enterprise",
        "นางสุนันทา พรหมสาขา",
        33,
        2006,
    ),
    DemoProducer(
        "khamin_indigo",
        "470102",
        COMMUNITY,
        "กลุ่มตัดเย็บผ้าครามบ้านขมิ้น",
        "Ban Khamin Indigo Tailoring Group",
        "นางลำดวน ศรีวงษา",
        19,
        2013,
    ),
    DemoProducer(
        "tharae_rice",
        "470107",
        COMMUNITY,
        "วิสาหกิจชุมชนข้าวฮางท่าแร่",
        "Tha Rae Khao Hang Rice Community Enterprise",
        "นายบุญมี แสนทวีสุข",
        48,
        2009,
    ),
    DemoProducer(
        "tharae_muyo",
        "470107",
        SINGLE,
        "ร้านหมูยอแม่ทองใบท่าแร่",
        "Mae Thongbai Mu Yo, Tha Rae",
        "นางทองใบ เหงียนวัน",
        None,
        1996,
    ),
    DemoProducer(
        "donkoi",
        "470401",
        COMMUNITY,
        "วิสาหกิจชุมชนผ้าย้อมครามบ้านดอนกอย",
        "Ban Don Koi Indigo Cloth Community Enterprise",
        "นางสมัย ศรีสมบัติ",
        60,
        2004,
    ),
    DemoProducer(
        "phanna_silk",
        "470401",
        COMMUNITY,
        "กลุ่มทอผ้าไหมมัดหมี่บ้านพรรณา",
        "Ban Phanna Mudmee Silk Weavers' Group",
        "นางทองคำ ไชยสุข",
        29,
        1997,
    ),
    DemoProducer(
        "phanna_kitchen",
        "470401",
        COMMUNITY,
        "กลุ่มแม่บ้านพรรณาพัฒนา",
        "Phanna Housewives' Group",
        "นางบัวลอง ศรีหาวงศ์",
        21,
        2008,
    ),
    DemoProducer(
        "changming_herbs",
        "470406",
        COMMUNITY,
        "วิสาหกิจชุมชนสมุนไพรบ้านช้างมิ่ง",
        "Ban Chang Ming Herbal Community Enterprise",
        "นางอรุณี คำภูษา",
        22,
        2010,
    ),
    DemoProducer(
        "changming_weavers",
        "470406",
        COMMUNITY,
        "กลุ่มทอเสื่อกกบ้านช้างมิ่ง",
        "Ban Chang Ming Reed Mat Weavers",
        "นางสำลี ภูชมศรี",
        17,
        2005,
    ),
    DemoProducer(
        "wangyang_herbs",
        "470402",
        COMMUNITY,
        "กลุ่มแพทย์แผนไทยบ้านวังยาง",
        "Ban Wang Yang Thai Traditional Medicine Group",
        "นายสุดใจ ภูผาจิต",
        18,
        2012,
    ),
)

PRODUCTS = (
    # San Kamphaeng, Chiang Mai (5013)
    DemoProduct(
        "umbrella",
        "borsang",
        "HOUSEHOLD-SOUVENIR",
        "ร่มกระดาษสาเขียนลายบ่อสร้าง",
        "Bo Sang hand-painted saa-paper umbrella",
        "ร่มกระดาษสาโครงไม้ไผ่ ขนาด 20 นิ้ว เขียนลายดอกไม้ด้วยมือ กันแดดกันฝนได้จริง",
        "ร่มบ่อสร้างสืบทอดกันมากว่าร้อยปี ตามเรื่องเล่าของพระธุดงค์ที่นำวิธีทำร่มมาจากพม่า "
        "ชาวบ้านบ่อสร้างเหลาซี่ร่มจากไม้ไผ่ ขึ้นโครงด้วยมือ ปิดด้วยกระดาษสาที่ทำเองในหมู่บ้าน "
        "ทาน้ำมันยางพลับให้กันน้ำ แล้วเขียนลายดอกไม้ทีละคัน",
        (
            ("ไม้ไผ่ซางหม่น", True),
            ("กระดาษสาจากเปลือกปอสา", True),
            ("ยางพลับ", True),
            ("สีอะคริลิก", False),
        ),
        ("TCPS",),
        "450",
        "คัน",
        600,
        previous=(92, 93, 94),
    ),
    DemoProduct(
        "saa_paper",
        "borsang",
        "HOUSEHOLD-SOUVENIR",
        "กระดาษสาทำมือย้อมสีธรรมชาติ",
        "Handmade saa paper, natural dyes",
        "กระดาษสาแผ่นใหญ่ 60 × 90 ซม. ย้อมสีจากเปลือกไม้และดอกไม้ ใช้ห่อของขวัญและงานประดิษฐ์",
        "เปลือกปอสาจากสวนในตำบลถูกต้ม ทุบ และช้อนขึ้นตะแกรงไม้ด้วยมือ "
        "สีเหลืองจากขมิ้น สีครามจากต้นคราม สีน้ำตาลจากเปลือกมะพร้าว "
        "เป็นงานที่แม่ ๆ ในกลุ่มทำคู่กับร่มมาตั้งแต่รุ่นยาย",
        (("เปลือกปอสา", True), ("ขมิ้นชัน", True), ("ครามธรรมชาติ", False)),
        ("TCPS",),
        "35",
        "แผ่น",
        4000,
        current="submit",
        score=82,
    ),
    DemoProduct(
        "brocade_silk",
        "sankamphaeng_silk",
        "TEXTILE-SILK",
        "ผ้าไหมยกดอกลายโบราณสันกำแพง",
        "San Kamphaeng classic brocade silk",
        "ผ้าไหมยกดอกทอมือ ลายดอกพิกุล กว้าง 1 เมตร ยาว 2 เมตร เหมาะสำหรับตัดชุดไทย",
        "สันกำแพงเป็นแหล่งทอผ้าไหมเก่าแก่ของล้านนา ช่างทอในกลุ่มยังใช้กี่พื้นเมือง "
        "ยกลายด้วยไม้เก็บขิดตามแบบที่จดไว้ในสมุดลายของครูรุ่นก่อน ผืนหนึ่งใช้เวลาทอราวสามสัปดาห์",
        (("เส้นไหมพันธุ์พื้นบ้าน", True), ("ดิ้นทอง", False), ("สีย้อมธรรมชาติ", True)),
        ("TCPS",),
        "3500",
        "ผืน",
        40,
        previous=(88, 87, 85),
    ),
    DemoProduct(
        "cotton",
        "sankamphaeng_silk",
        "TEXTILE-COTTON",
        "ผ้าฝ้ายทอมือย้อมสีธรรมชาติ",
        "Hand-woven cotton, natural dyes",
        "ผ้าฝ้ายเนื้อนุ่ม ย้อมสีจากแก่นขนุน ครั่ง และใบหูกวาง ซักแล้วสีไม่ตก",
        "ฝ้ายปลูกในไร่ของสมาชิก เข็นเป็นเส้นด้วยมือ ย้อมร้อนตามสูตรที่กลุ่มทดลองร่วมกับ"
        "มหาวิทยาลัยในจังหวัด เพื่อให้ได้สีธรรมชาติที่คงทนโดยไม่ใช้สารเคมี",
        (("ฝ้ายพื้นเมือง", True), ("แก่นขนุน", True), ("ครั่ง", True)),
        ("TCPS",),
        "890",
        "ผืน",
        120,
        current="submit",
        score=85,
    ),
    DemoProduct(
        "nam_phrik_num",
        "ontai_kitchen",
        "FOOD-SEASON",
        "น้ำพริกหนุ่มสูตรโบราณ",
        "Traditional roasted green-chilli dip (nam phrik num)",
        "น้ำพริกหนุ่มย่างเตาถ่าน เผ็ดกลาง ไม่ใส่ผงชูรส บรรจุกระปุก 200 กรัม",
        "พริกหนุ่มจากแปลงของสมาชิกถูกย่างบนเตาถ่านพร้อมหอมแดงและกระเทียม "
        "แล้วโขลกในครกไม้ตามสูตรของแม่อุ๊ยในหมู่บ้าน ทานคู่แคบหมูและผักนึ่ง",
        (("พริกหนุ่ม", True), ("หอมแดง", True), ("กระเทียม", True)),
        ("FDA", "TCPS"),
        "60",
        "กระปุก",
        3000,
        previous=(75, 74),
    ),
    DemoProduct(
        "khaep_mu",
        "ontai_kitchen",
        "FOOD-MEAT",
        "แคบหมูไร้มันสูตรเชียงใหม่",
        "Chiang Mai crispy pork rind (khaep mu)",
        "แคบหมูติดมันน้อย ทอดสองครั้ง กรอบนาน บรรจุถุงซิปล็อก 100 กรัม",
        "หนังหมูจากฟาร์มในอำเภอถูกต้ม ตากแดดสองวัน แล้วทอดในน้ำมันหมูสองรอบ "
        "สูตรที่กลุ่มปรับให้มันน้อยลงหลังจากไม่ผ่านการคัดสรรรอบก่อน",
        (("หนังหมู", True), ("เกลือ", False)),
        ("FDA",),
        "50",
        "ถุง",
        2500,
        previous=(66,),
        current="submit",
        score=75,
    ),
    DemoProduct(
        "mulberry_tea",
        "ontai_kitchen",
        "DRINK-TEA",
        "ชาใบหม่อนอินทรีย์",
        "Organic mulberry-leaf tea",
        "ชาใบหม่อนคั่วมือ บรรจุซองชา 20 ซอง ไม่มีคาเฟอีน",
        "ใบหม่อนจากแปลงเลี้ยงไหมเดิมของหมู่บ้านถูกเก็บตอนเช้า นวดและคั่วในกระทะเหล็ก "
        "ให้กลิ่นหอมคล้ายชาเขียว ผู้สูงอายุในชุมชนดื่มแทนน้ำชามาหลายสิบปี",
        (("ใบหม่อน", True),),
        ("FDA", "ORGANIC"),
        "120",
        "กล่อง",
        800,
        current="draft",
    ),
    DemoProduct(
        "sai_ua",
        "pa_si",
        "FOOD-MEAT",
        "ไส้อั่วสมุนไพรสูตรต้นตำรับ",
        "Northern Thai herb sausage (sai ua)",
        "ไส้อั่วหมูผสมสมุนไพรสด ย่างถ่านไม้ลำไย แพ็กสุญญากาศ 500 กรัม",
        "ป้าศรีทำไส้อั่วขายที่กาดสันกำแพงมากว่าสามสิบปี พริกแกงตำเองจากตะไคร้ ข่า "
        "ใบมะกรูด และพริกแห้งของเกษตรกรในตำบล ย่างช้า ๆ บนถ่านไม้ลำไยให้หอมควัน",
        (("เนื้อหมู", True), ("ตะไคร้", True), ("ข่า", True), ("ใบมะกรูด", True)),
        ("FDA",),
        "180",
        "แพ็ก",
        1200,
        current="submit",
        score=70,
    ),
    # Hang Dong, Chiang Mai (5015)
    DemoProduct(
        "elephant",
        "tawai",
        "HOUSEHOLD-WOOD",
        "ช้างไม้สักแกะสลักบ้านถวาย",
        "Ban Tawai carved teak elephant",
        "ช้างไม้สักแกะสลักมือ สูง 30 ซม. ขัดด้วยน้ำมันธรรมชาติ",
        "บ้านถวายเริ่มจากช่างแกะสลักไม่กี่คนที่กลับจากไปทำงานในเมือง วันนี้เป็นหมู่บ้านหัตถกรรม"
        "ที่รู้จักไปทั่วโลก ช่างในกลุ่มใช้เศษไม้สักเก่าที่มีใบรับรองถูกต้อง "
        "และสอนเด็กในหมู่บ้านทุกวันเสาร์",
        (("ไม้สักเก่า", True), ("น้ำมันทังอิ๊ว", False)),
        ("TCPS",),
        "2800",
        "ตัว",
        80,
        previous=(86, 86, 80),
    ),
    DemoProduct(
        "lamp",
        "tawai",
        "HOUSEHOLD-WOOD",
        "โคมไฟไม้สักฉลุลายล้านนา",
        "Lanna fretwork teak lamp",
        "โคมไฟตั้งโต๊ะไม้สัก ฉลุลายดอกพุดตาน ใช้หลอด LED ประหยัดไฟ",
        "ลายพุดตานบนโคมลอกจากลายคันทวยในวิหารวัดในตำบลขุนคง "
        "ช่างรุ่นใหม่ของกลุ่มออกแบบให้เข้ากับบ้านสมัยใหม่ โดยยังฉลุด้วยเลื่อยมือทุกชิ้น",
        (("ไม้สักเก่า", True), ("ชุดสายไฟและหลอด LED", False)),
        ("TCPS", "TIS"),
        "1650",
        "ชิ้น",
        150,
        current="submit",
        score=84,
    ),
    DemoProduct(
        "dried_longan",
        "hangdong_longan",
        "FOOD-FRUIT",
        "ลำไยอบแห้งสีทองเนื้อล้วน",
        "Golden dried longan flesh",
        "เนื้อลำไยพันธุ์อีดออบแห้งสีทอง หวานธรรมชาติ ไม่เติมน้ำตาล ถุง 250 กรัม",
        "หางดงปลูกลำไยมาตั้งแต่สมัยเจ้าดารารัศมี สมาชิกกลุ่มแกะเนื้อลำไยด้วยมือ "
        "แล้วอบด้วยเตาอบพลังงานแสงอาทิตย์ที่ชุมชนสร้างเอง เนื้อจึงเป็นสีทองไม่ไหม้",
        (("ลำไยพันธุ์อีดอ", True),),
        ("FDA", "GMP"),
        "150",
        "ถุง",
        5000,
        previous=(80, 79, 68),
    ),
    DemoProduct(
        "longan_paste",
        "hangdong_longan",
        "FOOD-SNACK",
        "ลำไยกวนสูตรโบราณ",
        "Traditional longan fudge",
        "ลำไยกวนเนื้อเหนียว หอมกลิ่นลำไยรมควัน กล่อง 200 กรัม",
        "ลำไยที่ลูกเล็กเกินขายสดถูกนำมากวนในกระทะทองเหลืองนานหกชั่วโมง ตามสูตรของแม่อุ๊ยคำ",
        (("ลำไย", True), ("น้ำตาลมะพร้าว", False)),
        ("FDA",),
        "45",
        "กล่อง",
        1500,
        certificate_expired=True,
    ),
    DemoProduct(
        "longan_soap",
        "hangdong_longan",
        "HERBAL-COSMETIC",
        "สบู่สมุนไพรน้ำผึ้งดอกลำไย",
        "Longan-blossom honey herbal soap",
        "สบู่ก้อนกลีเซอรีน ผสมน้ำผึ้งดอกลำไยและขมิ้น อ่อนโยนต่อผิว 100 กรัม",
        "ผึ้งที่เลี้ยงไว้ผสมเกสรในสวนลำไยให้น้ำผึ้งกลิ่นหอมเฉพาะตัว "
        "กลุ่มต่อยอดเป็นสบู่เพื่อใช้น้ำผึ้งที่ตกเกรดให้เกิดรายได้",
        (("น้ำผึ้งดอกลำไย", True), ("ขมิ้นชัน", True), ("กลีเซอรีน", False)),
        ("FDA", "TCPS"),
        "65",
        "ก้อน",
        3000,
        current="submit",
        score=77,
    ),
    DemoProduct(
        "coffee",
        "doi_coffee",
        "DRINK-TEA",
        "กาแฟอาราบิก้าคั่วกลาง",
        "Medium-roast Arabica coffee",
        "เมล็ดกาแฟอาราบิก้าคั่วกลาง กลิ่นช็อกโกแลตและผลไม้ ถุง 250 กรัม มีวาล์ว",
        "กาแฟปลูกใต้ร่มไม้บนดอยในเขตอำเภอ ชาวบ้านเก็บเฉพาะผลสุกสีแดง ตากบนแคร่ยกพื้น "
        "แล้วคั่วเป็นรอบเล็ก ๆ ที่โรงคั่วของห้างในตำบลหางดง",
        (("เมล็ดกาแฟอาราบิก้า", True),),
        ("FDA", "GAP"),
        "280",
        "ถุง",
        2000,
        current="submit",
        score=86,
    ),
    DemoProduct(
        "celadon",
        "hankaeo_crafts",
        "HOUSEHOLD-CERAMIC",
        "ถ้วยชามเซรามิกเคลือบศิลาดล",
        "Celadon-glazed stoneware bowls",
        "ชุดถ้วยชามเคลือบศิลาดลสีเขียวไข่กา เผาไฟสูง 1,250 องศา ปลอดสารตะกั่ว",
        "เคลือบศิลาดลทำจากขี้เถ้าไม้และดินในท้องถิ่นตามแบบเตาเวียงกาหลงโบราณ "
        "รอยแตกลายงาบนผิวเคลือบเกิดเองตามธรรมชาติจึงไม่มีสองใบที่เหมือนกัน",
        (("ดินขาวลำปาง", False), ("ขี้เถ้าไม้", True)),
        ("TCPS", "TIS"),
        "390",
        "ชุด",
        300,
        previous=(73, 72),
    ),
    DemoProduct(
        "bamboo_basket",
        "hankaeo_crafts",
        "HOUSEHOLD-WEAVE",
        "กระติบข้าวเหนียวไม้ไผ่สาน",
        "Woven bamboo sticky-rice basket",
        "กระติบข้าวเหนียวสานสองชั้น เก็บความร้อนได้นาน ขนาด 7 นิ้ว",
        "ผู้สูงอายุในหมู่บ้านสานกระติบยามว่างจากนา ไม้ไผ่ตัดจากป่าชุมชนที่ปลูกทดแทนทุกปี "
        "ลายสองที่ยังสานด้วยมือทั้งหมดเป็นงานที่คนรุ่นใหม่กลับมาเรียน",
        (("ไม้ไผ่บง", True), ("หวาย", True)),
        ("TCPS",),
        "180",
        "ใบ",
        500,
        previous=(64,),
        current="submit",
        score=71,
    ),
    # Mueang Sakon Nakhon (4701)
    DemoProduct(
        "beef",
        "phonyangkham",
        "FOOD-MEAT",
        "เนื้อโคขุนแดดเดียวโพนยางคำ",
        "Phon Yang Kham sun-dried premium beef",
        "เนื้อโคขุนหมักเครื่องเทศ ตากแดดเดียว แพ็กสุญญากาศ 300 กรัม",
        "สหกรณ์โคขุนโพนยางคำก่อตั้งโดยเกษตรกรที่รวมกันเลี้ยงวัวขุนด้วยฟางข้าวและมันสำปะหลัง"
        "ของชุมชน เนื้อมีไขมันแทรกสวยจนเป็นที่รู้จักทั่วประเทศ",
        (("เนื้อโคขุน", True), ("กระเทียม", True), ("ซีอิ๊ว", False)),
        ("FDA", "GMP", "HALAL"),
        "250",
        "แพ็ก",
        4000,
        previous=(90, 92, 91),
    ),
    DemoProduct(
        "makmao_juice",
        "khamin_makmao",
        "DRINK-NONALC",
        "น้ำหมากเม่าพร้อมดื่ม",
        "Mao berry juice",
        "น้ำหมากเม่าเข้มข้น 100% พาสเจอร์ไรซ์ ขวดแก้ว 250 มล.",
        "หมากเม่าขึ้นเองตามธรรมชาติบนเทือกเขาภูพาน ชาวบ้านเก็บผลสุกสีม่วงดำ"
        "ในเดือนสิงหาคม แล้วคั้นสดภายในวันเดียวเพื่อรักษาสารต้านอนุมูลอิสระ",
        (("ผลหมากเม่า", True), ("น้ำตาลทราย", False)),
        ("FDA",),
        "45",
        "ขวด",
        6000,
        previous=(71, 70),
    ),
    DemoProduct(
        "makmao_wine",
        "khamin_makmao",
        "DRINK-ALC",
        "ไวน์หมากเม่าภูพาน",
        "Phu Phan mao berry wine",
        "ไวน์ผลไม้หมากเม่า แอลกอฮอล์ 12% บ่มในถังไม้หนึ่งปี ขวด 750 มล.",
        "ต่อยอดจากน้ำหมากเม่า กลุ่มเรียนการหมักไวน์จากมหาวิทยาลัยในจังหวัด "
        "และได้ใบอนุญาตผลิตสุราชุมชน รสชาติฝาดนุ่มคล้ายไวน์แดง",
        (("ผลหมากเม่า", True), ("ยีสต์หมักไวน์", False)),
        ("TCPS",),
        "350",
        "ขวด",
        1000,
        previous=(62,),
        current="submit",
        score=72,
    ),
    DemoProduct(
        "indigo_shirt",
        "khamin_indigo",
        "TEXTILE-GARMENT",
        "เสื้อผ้าฝ้ายย้อมครามตัดเย็บสำเร็จ",
        "Tailored indigo-dyed cotton shirt",
        "เสื้อเชิ้ตผ้าฝ้ายย้อมครามธรรมชาติ ทรงสมัยใหม่ ไซซ์ S–XXL",
        "ครามสกลนครได้ขึ้นทะเบียนสิ่งบ่งชี้ทางภูมิศาสตร์ กลุ่มแม่บ้านบ้านขมิ้นรับผ้าครามจาก"
        "ช่างทอในอำเภอมาตัดเย็บเป็นเสื้อผ้าที่คนรุ่นใหม่ใส่ได้ทุกวัน",
        (("ผ้าฝ้ายย้อมคราม", True), ("กระดุมกะลามะพร้าว", True)),
        ("TCPS",),
        "690",
        "ตัว",
        400,
        current="submit",
        score=80,
    ),
    DemoProduct(
        "khao_hang",
        "tharae_rice",
        "FOOD-RICE",
        "ข้าวฮางงอกหอมมะลิ",
        "Germinated khao hang jasmine rice",
        "ข้าวฮางงอกจากข้าวหอมมะลิ นึ่งและตากแห้งทั้งเปลือก ถุงสุญญากาศ 1 กก.",
        "ข้าวฮางเป็นภูมิปัญญาของชาวภูไท ข้าวเปลือกถูกแช่ให้งอก นึ่ง แล้วตากแดดก่อนสี "
        "ได้ข้าวเนื้อนุ่มที่มีสาร GABA สูง จากเดิมที่ทำกินในครัวเรือนยามข้าวขาดแคลน",
        (("ข้าวเปลือกหอมมะลิ", True),),
        ("FDA", "GMP"),
        "90",
        "ถุง",
        8000,
        previous=(84, 83, 77),
    ),
    DemoProduct(
        "organic_rice",
        "tharae_rice",
        "FOOD-RICE",
        "ข้าวหอมมะลิอินทรีย์",
        "Organic Hom Mali rice",
        "ข้าวหอมมะลิ 105 อินทรีย์ ข้าวใหม่ต้นฤดู ถุงสุญญากาศ 1 กก.",
        "สมาชิกเลิกใช้สารเคมีในนาตั้งแต่ปี 2555 ใช้ปุ๋ยคอกจากวัวในหมู่บ้าน "
        "และตรวจรับรองแปลงทุกปี ข้าวถูกสีเป็นรอบเล็กเพื่อให้ได้ข้าวใหม่เสมอ",
        (("ข้าวเปลือกหอมมะลิ 105 อินทรีย์", True),),
        ("FDA", "ORGANIC"),
        "75",
        "ถุง",
        10000,
        current="submit",
        score=83,
    ),
    DemoProduct(
        "mu_yo",
        "tharae_muyo",
        "FOOD-MEAT",
        "หมูยอสูตรญวนท่าแร่",
        "Tha Rae Vietnamese-style pork roll (mu yo)",
        "หมูยอห่อใบตอง เนื้อแน่น ไม่ใส่สารกันบูด 500 กรัม",
        "ชุมชนท่าแร่มีชาวไทยเชื้อสายเวียดนามอยู่มาหลายชั่วคน แม่ทองใบทำหมูยอตามสูตรของยาย "
        "ห่อใบตองและนึ่งในลังถึงไม้ทุกเช้า",
        (("เนื้อหมู", True), ("ใบตอง", True), ("น้ำปลา", False)),
        ("FDA",),
        "120",
        "แท่ง",
        1500,
        current="return",
    ),
    # Phanna Nikhom, Sakon Nakhon (4704)
    DemoProduct(
        "indigo_cotton",
        "donkoi",
        "TEXTILE-COTTON",
        "ผ้าฝ้ายย้อมครามธรรมชาติลายขิด",
        "Natural indigo khit-pattern cotton",
        "ผ้าฝ้ายทอมือย้อมครามธรรมชาติ ลายขิดดอกแก้ว กว้าง 1 เมตร ยาว 2 เมตร",
        "บ้านดอนกอยปลูกครามและย้อมผ้าเองทุกขั้นตอน หม้อครามถูกเลี้ยงด้วยน้ำด่างจากขี้เถ้า"
        "และมะขามเปียกจนได้สีน้ำเงินเข้ม ช่างย้อมเรียกว่า “ครามมีชีวิต”",
        (("ต้นคราม", True), ("ฝ้ายเข็นมือ", True), ("น้ำด่างขี้เถ้า", True)),
        ("TCPS",),
        "1200",
        "ผืน",
        200,
        previous=(91, 89, 87),
    ),
    DemoProduct(
        "indigo_bag",
        "donkoi",
        "TEXTILE-GARMENT",
        "กระเป๋าผ้าครามลายขิด",
        "Indigo khit-cloth bag",
        "กระเป๋าสะพายผ้าครามลายขิด บุซับใน มีช่องซิป ขนาด 30 × 35 ซม.",
        "เศษผ้าครามจากการตัดเย็บถูกนำมาทอเป็นลายขิดและเย็บเป็นกระเป๋า "
        "งานของคนหนุ่มสาวที่กลับมาอยู่บ้านหลังโควิด",
        (("ผ้าฝ้ายย้อมคราม", True), ("ซิปโลหะ", False)),
        ("TCPS",),
        "390",
        "ใบ",
        600,
        current="submit",
        score=79,
    ),
    DemoProduct(
        "mudmee",
        "phanna_silk",
        "TEXTILE-SILK",
        "ผ้าไหมมัดหมี่ย้อมครามลายนาคน้อย",
        "Indigo mudmee silk, little-naga pattern",
        "ผ้าไหมมัดหมี่ทอมือ ย้อมครามสลับสีครั่ง ลายนาคน้อย ผืนละ 2 เมตร",
        "ลายนาคน้อยสืบทอดจากผ้าซิ่นของชาวภูไทพรรณานิคม ช่างมัดหมี่เส้นไหมทีละลำ "
        "ย้อมหลายรอบจนได้ลายคมชัด ผืนหนึ่งใช้เวลาเกือบสองเดือน",
        (("เส้นไหมพื้นบ้าน", True), ("คราม", True), ("ครั่ง", True)),
        ("TCPS",),
        "4200",
        "ผืน",
        20,
        previous=(82, 81, 73),
    ),
    DemoProduct(
        "pla_ra_bong",
        "phanna_kitchen",
        "FOOD-SEASON",
        "ปลาร้าบองสมุนไพร",
        "Herbal pla ra bong chilli paste",
        "ปลาร้าบองผัดสุกกับตะไคร้และข่า สะอาด ไม่มีกลิ่นคาว กระปุก 200 กรัม",
        "ปลาร้าหมักจากปลาในหนองหานนานหนึ่งปี นำมาผัดกับสมุนไพรสดจนหอม "
        "สูตรที่แม่บ้านในกลุ่มปรับให้คนเมืองทานได้ง่ายขึ้น",
        (("ปลาร้าจากหนองหาน", True), ("ตะไคร้", True), ("ข่า", True)),
        ("FDA",),
        "55",
        "กระปุก",
        2500,
        current="submit",
        score=69,
    ),
    DemoProduct(
        "indigo_soap",
        "changming_herbs",
        "HERBAL-COSMETIC",
        "สบู่สมุนไพรครามผสมขมิ้นชัน",
        "Indigo and turmeric herbal soap",
        "สบู่ก้อนสมุนไพร ผสมผงครามและขมิ้นชัน ลดการอักเสบของผิว 100 กรัม",
        "ใบครามที่เหลือจากการทำเนื้อครามถูกบดเป็นผงผสมสบู่ ตามตำรายาพื้นบ้านที่ใช้ครามพอกแผล",
        (("ใบคราม", True), ("ขมิ้นชัน", True), ("น้ำมันมะพร้าว", False)),
        ("FDA", "TCPS"),
        "65",
        "ก้อน",
        2000,
        current="submit",
        score=76,
    ),
    DemoProduct(
        "reed_mat",
        "changming_weavers",
        "HOUSEHOLD-WEAVE",
        "เสื่อกกทอลายขิด",
        "Khit-pattern woven reed mat",
        "เสื่อกกย้อมสีทอลายขิด ขนาด 1.5 × 2 เมตร พับเก็บได้",
        "ต้นกกปลูกในนาหลังฤดูเกี่ยว สมาชิกผ่า ตาก ย้อม และทอด้วยกี่ไม้ไผ่ "
        "ลายขิดบนเสื่อเลียนแบบลายผ้าซิ่นของแม่",
        (("ต้นกก", True), ("สีย้อม", False)),
        ("TCPS",),
        "450",
        "ผืน",
        150,
        current="draft",
    ),
    DemoProduct(
        "herbal_compress",
        "wangyang_herbs",
        "HERBAL-SPA",
        "ลูกประคบสมุนไพรสด",
        "Fresh herbal compress ball",
        "ลูกประคบไพล ขมิ้น ตะไคร้ และใบมะขาม ห่อผ้าฝ้าย 200 กรัม",
        "หมอพื้นบ้านของวังยางใช้ลูกประคบดูแลแม่หลังคลอดและผู้สูงอายุมานาน "
        "สมุนไพรทุกชนิดปลูกในสวนสมุนไพรของกลุ่ม",
        (("ไพล", True), ("ขมิ้นชัน", True), ("ตะไคร้", True), ("ผ้าฝ้าย", True)),
        ("TCPS",),
        "80",
        "ลูก",
        3000,
        previous=(69, 68),
    ),
    DemoProduct(
        "plai_balm",
        "wangyang_herbs",
        "HERBAL-REMEDY",
        "ยาหม่องสมุนไพรไพล",
        "Plai herbal balm",
        "ยาหม่องเนื้อขี้ผึ้ง สกัดจากไพลและการบูร บรรเทาปวดเมื่อย ตลับ 15 กรัม",
        "น้ำมันไพลเจียวตามตำรับของหมอยาในหมู่บ้าน ผสมขี้ผึ้งจากผึ้งโพรงที่ชาวบ้านเลี้ยงเอง",
        (("ไพล", True), ("ขี้ผึ้ง", True), ("การบูร", False)),
        ("FDA", "GMP"),
        "45",
        "ตลับ",
        5000,
        current="submit",
        score=74,
    ),
    DemoProduct(
        "lime_dishwash",
        "wangyang_herbs",
        "HERBAL-CLEAN",
        "น้ำยาล้างจานมะกรูด",
        "Kaffir lime dishwashing liquid",
        "น้ำยาล้างจานสูตรมะกรูดหมัก ล้างคราบมัน ถนอมมือ ขวด 500 มล.",
        "ผลมะกรูดที่ร่วงในสวนถูกนำมาหมักเป็นน้ำหมักชีวภาพ ใช้แทนสารเคมีในครัวเรือน",
        (("ผลมะกรูด", True), ("สารลดแรงตึงผิว", False)),
        ("TCPS",),
        "35",
        "ขวด",
        4000,
        previous=(58,),
        current="withdraw",
    ),
)

RETURN_REASON = (
    "ฉลากยังไม่แสดงเลขสารบบอาหาร (อย.) และวันหมดอายุ "
    "โปรดแนบภาพฉลากใหม่และตอบกลับก่อนคณะทำงานประชุมจัดลำดับ"
)
WITHDRAW_NOTE = "ผู้ผลิตขอถอนเพื่อปรับปรุงสูตรและยื่นใหม่ในรอบหน้า"
CONFLICT = ("amphoe-4704-member", "changming_herbs", "ภรรยาเป็นประธานกลุ่มผู้ผลิต")

# Last year's support plan of Chiang Mai's provincial committee, approved, one
# action done: (kind, description, agency, budget, source, quarter of the
# following fiscal year, status, outcome). Actions go to the committee's
# ranked products in ranking order, one each, wrapping round.
SUPPORT_PROVINCE = "50"
SUPPORT_ACTIONS = (
    (
        "packaging",
        "ออกแบบบรรจุภัณฑ์และฉลากใหม่ให้มีเลขสารบบอาหารและเรื่องราวผลิตภัณฑ์",
        "สำนักงานพัฒนาชุมชนจังหวัดเชียงใหม่",
        "45000.00",
        "province",
        1,
        "done",
        "ได้บรรจุภัณฑ์ใหม่ 3 แบบ ใช้จริงตั้งแต่เดือนมกราคม",
    ),
    (
        "standards",
        "ที่ปรึกษาเตรียมยื่นขอรับรองมาตรฐาน มผช. และ อย.",
        "สำนักงานอุตสาหกรรมจังหวัดเชียงใหม่",
        "30000.00",
        "cdd",
        2,
        "planned",
        "",
    ),
    (
        "marketing",
        "ออกร้านงาน OTOP City และจับคู่ธุรกิจกับห้างค้าปลีก",
        "สำนักงานพาณิชย์จังหวัดเชียงใหม่",
        "60000.00",
        "cdd",
        3,
        "planned",
        "",
    ),
    (
        "ecommerce",
        "อบรมการขายออนไลน์และถ่ายภาพสินค้า",
        "องค์การบริหารส่วนตำบลออนใต้",
        "12500.50",
        "local",
        2,
        "planned",
        "",
    ),
)
