"""The word lists generated data is made of: product names by category, the
qualifiers and places that follow them, producer groups, brands, villages,
people's names, stories, units, prices and usual standards, each (Thai,
English) where both are shown. Pure data, shared by ``generate_dataset`` and
the benchmarks under bench/ (which must not keep copies)."""

# Leaf category → products: (Thai, English).
BASES = {
    "FOOD-RICE": [
        ("ข้าวหอมมะลิ", "Hom Mali Rice"),
        ("ข้าวกล้องงอก", "Germinated Brown Rice"),
        ("ข้าวไรซ์เบอร์รี่", "Riceberry Rice"),
        ("ข้าวเกรียบ", "Rice Crackers"),
        ("ข้าวแต๋น", "Khao Taen Rice Cakes"),
        ("ข้าวหลาม", "Bamboo Sticky Rice"),
    ],
    "FOOD-SNACK": [
        ("ทองม้วน", "Thong Muan Rolls"),
        ("กล้วยตาก", "Sun-dried Bananas"),
        ("ขนมเปี๊ยะ", "Khanom Pia"),
        ("ทองหยอด", "Thong Yot"),
        ("ขนมกง", "Khanom Kong"),
        ("กระยาสารท", "Krayasat"),
    ],
    "FOOD-FRUIT": [
        ("มะม่วงอบแห้ง", "Dried Mango"),
        ("ทุเรียนทอด", "Durian Chips"),
        ("มะขามแช่อิ่ม", "Candied Tamarind"),
        ("สับปะรดกวน", "Pineapple Jam"),
        ("ลำไยอบแห้ง", "Dried Longan"),
        ("เห็ดหอมอบกรอบ", "Crispy Shiitake"),
    ],
    "FOOD-SEASON": [
        ("น้ำพริกเผา", "Roasted Chilli Paste"),
        ("น้ำพริกนรก", "Hot Chilli Dip"),
        ("น้ำพริกตาแดง", "Red Chilli Dip"),
        ("น้ำปลาร้า", "Fermented Fish Sauce"),
        ("ซอสมะขาม", "Tamarind Sauce"),
        ("กะปิ", "Shrimp Paste"),
    ],
    "FOOD-MEAT": [
        ("ไส้อั่ว", "Northern Thai Sausage"),
        ("แหนม", "Fermented Pork"),
        ("ปลาส้ม", "Fermented Fish"),
        ("กุนเชียง", "Chinese Sausage"),
        ("ปลาแดดเดียว", "Sun-dried Fish"),
        ("หมูแผ่น", "Pork Jerky"),
    ],
    "DRINK-NONALC": [
        ("น้ำกระเจี๊ยบ", "Roselle Juice"),
        ("น้ำมะพร้าว", "Coconut Water"),
        ("น้ำลำไย", "Longan Juice"),
        ("น้ำผึ้งมะนาว", "Honey Lime Juice"),
    ],
    "DRINK-TEA": [
        ("กาแฟ", "Coffee"),
        ("กาแฟอาราบิก้า", "Arabica Coffee"),
        ("ชาอู่หลง", "Oolong Tea"),
        ("ชาใบหม่อน", "Mulberry Leaf Tea"),
        ("ชาตะไคร้", "Lemongrass Tea"),
        ("ชาดอกอัญชัน", "Butterfly Pea Tea"),
    ],
    "DRINK-ALC": [
        ("สาโทข้าวเหนียว", "Sato Rice Wine"),
        ("ไวน์ลูกหม่อน", "Mulberry Wine"),
        ("อุ", "Ou Rice Wine"),
        ("ไวน์มะเม่า", "Mamao Wine"),
    ],
    "TEXTILE-SILK": [
        ("ผ้าไหม", "Silk"),
        ("ผ้าไหมมัดหมี่", "Mudmee Silk"),
        ("ผ้าไหมแพรวา", "Praewa Silk"),
        ("ผ้าไหมยกดอก", "Brocade Silk"),
        ("ผ้าไหมหางกระรอก", "Hang Krarok Silk"),
    ],
    "TEXTILE-COTTON": [
        ("ผ้าฝ้ายทอมือ", "Handwoven Cotton"),
        ("ผ้าฝ้ายย้อมคราม", "Indigo-dyed Cotton"),
        ("ผ้าขาวม้า", "Pha Khao Ma"),
        ("ผ้าซิ่นตีนจก", "Teen Jok Sarong"),
    ],
    "TEXTILE-OTHER": [
        ("ผ้าบาติก", "Batik"),
        ("ผ้าใยกัญชง", "Hemp Cloth"),
        ("ผ้าทอใยสับปะรด", "Pineapple Fibre Cloth"),
        ("ผ้ามัดย้อม", "Tie-dyed Cloth"),
    ],
    "TEXTILE-GARMENT": [
        ("เสื้อม่อฮ่อม", "Mo Hom Shirt"),
        ("กระเป๋าผ้า", "Cloth Bag"),
        ("ผ้าพันคอ", "Scarf"),
        ("เสื้อผ้าฝ้าย", "Cotton Shirt"),
    ],
    "HOUSEHOLD-WEAVE": [
        ("ตะกร้าไม้ไผ่", "Bamboo Basket"),
        ("กระติบข้าว", "Sticky Rice Basket"),
        ("เสื่อกก", "Reed Mat"),
        ("กระเป๋าผักตบชวา", "Water Hyacinth Bag"),
        ("กระเป๋าย่านลิเภา", "Yan Lipao Bag"),
    ],
    "HOUSEHOLD-WOOD": [
        ("ไม้แกะสลัก", "Woodcarving"),
        ("ช้างไม้", "Wooden Elephant"),
        ("ถาดไม้สัก", "Teak Tray"),
        ("เฟอร์นิเจอร์ไม้ไผ่", "Bamboo Furniture"),
    ],
    "HOUSEHOLD-CERAMIC": [
        ("เครื่องปั้นดินเผา", "Pottery"),
        ("โอ่งมังกร", "Dragon Jar"),
        ("เบญจรงค์", "Benjarong Ware"),
        ("ศิลาดล", "Celadon"),
    ],
    "HOUSEHOLD-METAL": [
        ("เครื่องเงิน", "Silverware"),
        ("ขันลงหิน", "Bronze Bowl"),
        ("มีดอรัญญิก", "Aranyik Knife"),
        ("เครื่องทองเหลือง", "Brassware"),
    ],
    "HOUSEHOLD-SOUVENIR": [
        ("ร่มกระดาษสา", "Sa Paper Umbrella"),
        ("โคมล้านนา", "Lanna Lantern"),
        ("ดอกไม้ประดิษฐ์", "Artificial Flowers"),
        ("พวงกุญแจผ้า", "Cloth Keyring"),
    ],
    "HERBAL-COSMETIC": [
        ("สบู่สมุนไพร", "Herbal Soap"),
        ("สบู่น้ำผึ้ง", "Honey Soap"),
        ("ครีมขมิ้นชัน", "Turmeric Cream"),
        ("โลชั่นว่านหางจระเข้", "Aloe Vera Lotion"),
    ],
    "HERBAL-SPA": [
        ("ลูกประคบ", "Herbal Compress"),
        ("น้ำมันหอมระเหย", "Essential Oil"),
        ("เกลือสปา", "Spa Salt"),
        ("สครับขัดผิว", "Body Scrub"),
    ],
    "HERBAL-REMEDY": [
        ("ยาหม่อง", "Herbal Balm"),
        ("ฟ้าทะลายโจร", "Andrographis Capsules"),
        ("ยาดมสมุนไพร", "Herbal Inhaler"),
        ("น้ำมันไพล", "Plai Oil"),
    ],
    "HERBAL-CLEAN": [
        ("น้ำยาล้างจานมะกรูด", "Kaffir Lime Dish Soap"),
        ("แชมพูอัญชัน", "Butterfly Pea Shampoo"),
        ("น้ำยาซักผ้าสมุนไพร", "Herbal Laundry Liquid"),
    ],
}
# Product type → what may follow the name: (Thai, English).
QUALIFIERS = {
    "FOOD": [
        ("สูตรโบราณ", "Traditional Recipe"),
        ("ออร์แกนิก", "Organic"),
        ("รสเผ็ด", "Spicy"),
        ("อบกรอบ", "Crispy"),
        ("สูตรคุณยาย", "Grandma's Recipe"),
    ],
    "DRINK": [
        ("ออร์แกนิก", "Organic"),
        ("สูตรน้ำตาลน้อย", "Less Sugar"),
        ("คั่วกลาง", "Medium Roast"),
        ("คั่วเข้ม", "Dark Roast"),
        ("ชนิดซอง", "Tea Bags"),
    ],
    "TEXTILE": [
        ("ย้อมสีธรรมชาติ", "Natural Dye"),
        ("ลายโบราณ", "Traditional Pattern"),
        ("ทอมือ", "Handwoven"),
        ("ลายขิด", "Khit Pattern"),
        ("ลายนาคน้อย", "Little Naga Pattern"),
    ],
    "HOUSEHOLD": [
        ("ทำมือ", "Handmade"),
        ("ลายไทย", "Thai Pattern"),
        ("ชุดของขวัญ", "Gift Set"),
        ("ขนาดใหญ่", "Large"),
    ],
    "HERBAL": [
        ("สูตรเย็น", "Cooling Formula"),
        ("ออร์แกนิก", "Organic"),
        ("กลิ่นตะไคร้", "Lemongrass Scent"),
        ("กลิ่นมะลิ", "Jasmine Scent"),
    ],
}
# Places products are named after, across the country: (Thai, English).
ORIGINS = [
    ("ดอยช้าง", "Doi Chang"),
    ("ดอยตุง", "Doi Tung"),
    ("ดอยสะเก็ด", "Doi Saket"),
    ("ดอยอินทนนท์", "Doi Inthanon"),
    ("แม่แตง", "Mae Taeng"),
    ("แม่แจ่ม", "Mae Chaem"),
    ("แม่สลอง", "Mae Salong"),
    ("บ้านถวาย", "Ban Thawai"),
    ("บ้านเชียง", "Ban Chiang"),
    ("บ้านโป่ง", "Ban Pong"),
    ("ปากช่อง", "Pak Chong"),
    ("วังน้ำเขียว", "Wang Nam Khiao"),
    ("เขาค้อ", "Khao Kho"),
    ("เขาใหญ่", "Khao Yai"),
    ("ภูเรือ", "Phu Ruea"),
    ("ภูพาน", "Phu Phan"),
    ("สันกำแพง", "San Kamphaeng"),
    ("บ่อสร้าง", "Bo Sang"),
    ("ด่านเกวียน", "Dan Kwian"),
    ("เกาะเกร็ด", "Ko Kret"),
    ("อัมพวา", "Amphawa"),
    ("ปักธงชัย", "Pak Thong Chai"),
    ("ชนบท", "Chonnabot"),
    ("นาหมื่นศรี", "Na Muen Si"),
    ("หาดเสี้ยว", "Hat Siao"),
    ("ไชยา", "Chaiya"),
    ("ทุ่งกุลา", "Thung Kula"),
    ("เชียงคาน", "Chiang Khan"),
    ("คีรีวง", "Khiri Wong"),
    ("ทะเลน้อย", "Thale Noi"),
]
# Product type → kind of group: (Thai, English).
GROUPS = {
    "FOOD": [
        ("กลุ่มแม่บ้านเกษตรกร", "Farm Housewives Group"),
        ("กลุ่มแปรรูปอาหาร", "Food Processing Group"),
        ("กลุ่มแปรรูปผลผลิตการเกษตร", "Agricultural Processing Group"),
    ],
    "DRINK": [
        ("กลุ่มผู้ปลูกกาแฟ", "Coffee Growers Group"),
        ("กลุ่มเครื่องดื่มสมุนไพร", "Herbal Drinks Group"),
    ],
    "TEXTILE": [
        ("กลุ่มทอผ้า", "Weaving Group"),
        ("กลุ่มทอผ้าไหม", "Silk Weaving Group"),
        ("กลุ่มตัดเย็บเสื้อผ้า", "Tailoring Group"),
    ],
    "HOUSEHOLD": [
        ("กลุ่มจักสาน", "Basketry Group"),
        ("กลุ่มเครื่องปั้นดินเผา", "Pottery Group"),
        ("กลุ่มหัตถกรรม", "Handicraft Group"),
    ],
    "HERBAL": [
        ("กลุ่มสมุนไพร", "Herbal Group"),
        ("กลุ่มแพทย์แผนไทย", "Thai Traditional Medicine Group"),
    ],
}
OTHER_GROUP = ("กลุ่มอาชีพ", "Livelihood Group")
BRANDS = {
    "FOOD": ("ฟู้ดส์", "Foods"),
    "DRINK": ("เบฟเวอเรจ", "Beverage"),
    "TEXTILE": ("ผ้าไทย", "Thai Textiles"),
    "HOUSEHOLD": ("หัตถกรรม", "Crafts"),
    "HERBAL": ("เฮิร์บ", "Herbs"),
}
VILLAGES = [
    ("หนองบัว", "Nong Bua"),
    ("โนนสูง", "Non Sung"),
    ("ดอนแก้ว", "Don Kaeo"),
    ("ป่าซาง", "Pa Sang"),
    ("หัวนา", "Hua Na"),
    ("นาดี", "Na Di"),
    ("สันทราย", "San Sai"),
    ("ทุ่งโพธิ์", "Thung Pho"),
    ("หนองแวง", "Nong Waeng"),
    ("โคกกลาง", "Khok Klang"),
    ("ห้วยทราย", "Huai Sai"),
    ("บ่อทอง", "Bo Thong"),
    ("วังหิน", "Wang Hin"),
    ("ท่าช้าง", "Tha Chang"),
    ("ดงเย็น", "Dong Yen"),
    ("หนองหญ้าปล้อง", "Nong Ya Plong"),
    ("ปากน้ำ", "Pak Nam"),
    ("เหล่าใหญ่", "Lao Yai"),
]
FIRST_NAMES = {
    "female": [
        "สมศรี", "บุญมี", "มาลี", "สุดา", "จันทร์เพ็ญ", "อรุณี", "ประไพ", "วันเพ็ญ",
        "ละเอียด", "คำปุน", "นงลักษณ์", "พิมพ์ใจ", "รัตนา", "สายสุนีย์", "อำไพ", "ทองใบ",
    ],
    "male": [
        "สมชาย", "บุญเลิศ", "ประเสริฐ", "วิชัย", "สมศักดิ์", "ทองดี", "คำแปง", "สุรชัย",
        "ณรงค์", "อนันต์", "ชาตรี", "มานพ", "ไพโรจน์", "เสถียร", "ธีระ", "บุญส่ง",
    ],
}  # fmt: skip
SURNAMES = [
    "ใจดี", "ศรีสุข", "แก้วมณี", "บุญมา", "ทองคำ", "สุขสวัสดิ์", "พรหมมา", "อินทร์แก้ว",
    "จันทร์หอม", "วงศ์ใหญ่", "ปัญญาดี", "ศรีวงศ์", "คำมูล", "มีสุข", "รักษาชล", "ชัยมงคล",
    "ทองประเสริฐ", "แสงทอง", "สมบูรณ์", "พึ่งบุญ", "สายบุญ", "เรืองศรี", "นาคสวัสดิ์",
]  # fmt: skip
STORIES = [
    "ใช้วัตถุดิบจากชุมชนและภูมิปัญญาที่สืบทอดกันมากว่า {years} ปี",
    "สมาชิกกลุ่มช่วยกันผลิตทุกขั้นตอนด้วยมือ ตั้งแต่คัดวัตถุดิบจนถึงบรรจุภัณฑ์",
    "พัฒนาร่วมกับสำนักงานพัฒนาชุมชนอำเภอ{amphoe}จนได้มาตรฐานผลิตภัณฑ์ชุมชน",
    "เป็นที่รู้จักของนักท่องเที่ยวที่มาเยือนตำบล{tambon} จำหน่ายทั้งในงาน OTOP City และทางออนไลน์",
    "รายได้ส่วนหนึ่งกลับคืนสู่กองทุนหมู่บ้านและผู้สูงอายุในชุมชน",
    "ผู้สูงอายุในหมู่บ้านถ่ายทอดวิธีทำให้คนรุ่นใหม่ในชุมชน",
]
UNITS = {
    "FOOD-RICE": "ถุง",
    "FOOD-SNACK": "กล่อง",
    "FOOD-FRUIT": "ถุง",
    "FOOD-SEASON": "กระปุก",
    "FOOD-MEAT": "แพ็ค",
    "DRINK-NONALC": "ขวด",
    "DRINK-TEA": "ถุง",
    "DRINK-ALC": "ขวด",
    "TEXTILE-SILK": "ผืน",
    "TEXTILE-COTTON": "ผืน",
    "TEXTILE-OTHER": "ผืน",
    "HERBAL-SPA": "ชุด",
    "HERBAL-REMEDY": "ขวด",
    "HERBAL-CLEAN": "ขวด",
}
PRICES = {  # baht, low and high
    "FOOD": (35, 350),
    "DRINK": (40, 650),
    "TEXTILE": (350, 6500),
    "HOUSEHOLD": (120, 4500),
    "HERBAL": (45, 650),
}
# Product type → the standard it is usually certified to, and the extras.
STANDARDS = {
    "FOOD": (("FDA", "TCPS"), ("GMP", "HALAL", "HACCP")),
    "DRINK": (("FDA", "TCPS"), ("GMP", "ORGANIC", "GAP")),
    "TEXTILE": (("TCPS",), ("TIS",)),
    "HOUSEHOLD": (("TCPS",), ("TIS",)),
    "HERBAL": (("FDA", "TCPS"), ("GMP", "ORGANIC", "HALAL")),
}
