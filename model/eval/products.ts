// Short product titles in the style of web-shop listings, written for Tacit's evaluation, grouped by
// category; plus short shopper queries per category that mostly use other words than the titles.
// Brand names are made up, so they test the subword fallback rather than world knowledge.

export const PRODUCT_TITLES: Readonly<Record<string, readonly string[]>> = {
  footwear: [
    'Trail running shoes for men', "Women's lightweight sneakers", 'Leather ankle boots', 'Canvas slip-on loafers',
    'Kids velcro sneakers', 'Waterproof hiking boots', 'Suede chelsea boots', 'Memory foam slippers',
    'Leather sandals with buckle', 'High heel pumps in black', 'Breathable mesh trainers', 'Rubber rain boots',
    'Flip flops for the beach', 'Basketball shoes high top', 'Classic white tennis shoes', 'Winter snow boots with fur lining',
  ],
  audio: [
    'Wireless noise cancelling headphones', 'Over-ear studio headphones', 'Gaming headset with microphone',
    'In-ear earphones with remote', 'Portable speaker waterproof', 'Bookshelf loudspeakers pair', 'Soundbar for television',
    'Vinyl record turntable', 'Subwoofer 10 inch', 'Stereo amplifier 100 watt', 'Bluetooth earbuds with charging case',
    'Condenser microphone for podcasts', 'Clock radio with alarm', 'Hi-fi receiver with tuner', 'Kids headphones volume limited',
  ],
  cookware: [
    'Stainless steel saucepan with lid', 'Nonstick frying pan 28 cm', 'Cast iron skillet', 'Enamelled casserole dish',
    'Carbon steel wok', 'Copper stockpot 8 litre', 'Ceramic baking dish', 'Pressure cooker 6 quart', 'Griddle pan for pancakes',
    'Roasting tin with rack', 'Saute pan with glass lid', 'Dutch oven round', 'Milk pan small', 'Steamer insert for pots',
    'Crepe pan thin', 'Paella pan large',
  ],
  kitchen_appliances: [
    'Countertop blender 1200 W', 'Espresso machine with milk frother', 'Electric kettle cordless', 'Two slice toaster',
    'Drip coffee maker with timer', 'Microwave oven compact', 'Food processor with slicing disc', 'Stand mixer with dough hook',
    'Slow cooker programmable', 'Air fryer 5 litre', 'Juicer for citrus fruit', 'Rice cooker with steamer basket',
    'Waffle iron', 'Hand blender with whisk', 'Dishwasher slimline', 'Refrigerator with freezer drawer',
  ],
  computers: [
    'Thin laptop 14 inch', 'Gaming notebook computer', 'Desktop computer tower', 'Wireless keyboard and mouse set',
    'Computer monitor 27 inch', 'External hard drive 2 TB', 'USB flash drive 64 GB', 'Laser printer monochrome',
    'Flatbed scanner for documents', 'Webcam full HD', 'Laptop sleeve padded', 'Graphics tablet with pen',
    'Network router dual band', 'Ergonomic mouse vertical', 'Docking station for laptops',
  ],
  phones: [
    'Unlocked smartphone 128 GB', 'Mobile phone case clear', 'Fast phone charger', 'Screen protector tempered glass',
    'Cordless telephone for home', 'Car phone holder', 'Prepaid cellphone basic', 'Wireless charging pad',
    'Phone tripod with remote', 'Power bank 20000 mAh', 'Charging cable braided', 'Flip phone for seniors',
    'Phone armband for running', 'Selfie stick with light', 'Smartwatch fitness tracker',
  ],
  furniture: [
    'Three seater sofa grey', 'Leather armchair', 'Oak dining table', 'Upholstered dining chairs set of four',
    'Bookcase with five shelves', 'Chest of drawers white', 'Double bed frame', 'Bedside table with drawer',
    'Corner couch with chaise', 'Office chair ergonomic', 'Writing desk with drawers', 'Wardrobe with mirror doors',
    'Coffee table glass top', 'Bar stools set of two', 'Futon sofa bed', 'Television stand low',
  ],
  bedding_textiles: [
    'Cotton duvet cover double', 'Memory foam pillow', 'Fitted sheet king size', 'Wool blanket throw',
    'Down comforter winter', 'Bath towels set of six', 'Blackout curtains pair', 'Shaggy area rug', 'Linen tablecloth',
    'Quilted bedspread', 'Mattress topper', 'Cushion covers velvet', 'Silk pillowcase', 'Doormat coir', 'Bath mat non slip',
  ],
  tops_clothing: [
    'Cotton crew neck t-shirt', "Men's oxford shirt", "Women's silk blouse", 'Wool knit sweater', 'Hooded sweatshirt zip',
    'Polo shirt short sleeve', 'Cashmere cardigan', 'Tank top ribbed', 'Flannel shirt checked', 'Turtleneck pullover',
    'Linen shirt long sleeve', 'Graphic tee for kids', 'Fleece jumper', 'Denim shirt', 'Sports bra high support',
  ],
  bottoms_clothing: [
    'Slim fit jeans dark wash', 'Chino trousers beige', 'Pleated midi skirt', 'Running shorts with pockets',
    'Yoga leggings high waist', 'Cargo pants khaki', 'Corduroy trousers', 'Denim shorts women', 'Tracksuit bottoms',
    'Wool dress trousers', 'Pencil skirt black', 'Swim trunks men', 'Culottes wide leg', 'Sweatpants with drawstring',
    'Maternity jeans',
  ],
  outerwear: [
    'Waterproof rain jacket', 'Down puffer coat', 'Wool overcoat', 'Leather biker jacket', 'Denim jacket',
    'Fleece jacket zip', 'Trench coat beige', 'Ski jacket insulated', 'Lightweight windbreaker', 'Parka with fur hood',
    'Quilted vest', 'Softshell jacket', 'Raincoat for kids', 'Bomber jacket', 'Poncho waterproof',
  ],
  jewelry_watches: [
    'Sterling silver necklace', 'Gold hoop earrings', 'Diamond engagement ring', 'Pearl bracelet', 'Charm bracelet',
    'Automatic wristwatch steel', 'Pendant with chain', 'Stud earrings', 'Cufflinks silver', 'Anklet with beads',
    'Wedding band platinum', 'Brooch vintage', 'Chronograph watch leather strap', 'Signet ring gold', 'Jewelry box with mirror',
  ],
  beauty: [
    'Matte lipstick red', 'Volumizing mascara', 'Liquid foundation', 'Eyeshadow palette', 'Nail polish set',
    'Face moisturizer with spf', 'Facial cleanser foaming', 'Perfume for women', 'Cologne for men', 'Blush powder',
    'Makeup brushes set', 'Eyeliner pencil', 'Lip balm', 'Face mask sheet', 'Concealer stick',
  ],
  hair_bath: [
    'Shampoo for dry hair', 'Conditioner with argan oil', 'Hair dryer ionic', 'Hair straightener ceramic',
    'Body wash lavender', 'Bar soap oatmeal', 'Electric shaver men', 'Electric toothbrush', 'Toothpaste whitening',
    'Dental floss mint', 'Hairbrush paddle', 'Bath bombs set', 'Deodorant stick', 'Razor blades refill', 'Hair clipper kit',
  ],
  tools: [
    'Cordless drill driver', 'Claw hammer', 'Screwdriver set', 'Adjustable wrench', 'Socket set metric',
    'Circular saw', 'Tape measure 5 m', 'Spirit level', 'Pliers set', 'Tool box with tray', 'Angle grinder',
    'Hand saw for wood', 'Work gloves', 'Ladder aluminium', 'Stud finder',
  ],
  garden: [
    'Garden hose 30 m', 'Lawn mower electric', 'Hedge trimmer', 'Pruning shears', 'Wheelbarrow', 'Watering can',
    'Garden spade', 'Leaf rake', 'Plant pots terracotta', 'Potting compost', 'Flower seeds mix', 'Sprinkler oscillating',
    'Garden bench wood', 'Patio umbrella', 'Bird feeder',
  ],
  camping: [
    'Dome tent for four people', 'Sleeping bag three season', 'Camping stove gas', 'Inflatable sleeping pad',
    'Hiking backpack 40 litre', 'Headlamp rechargeable', 'Camping lantern', 'Folding camping chair', 'Water filter bottle',
    'Cooler box', 'Trekking poles', 'Camping hammock', 'Mess kit for camping', 'Compass and map case', 'Tarp shelter',
  ],
  sports_fitness: [
    'Yoga mat non slip', 'Adjustable dumbbells', 'Resistance bands set', 'Jump rope', 'Exercise bike', 'Treadmill folding',
    'Kettlebell 12 kg', 'Tennis racket', 'Football size 5', 'Basketball indoor', 'Boxing gloves', 'Foam roller',
    'Badminton set', 'Golf balls pack', 'Swimming goggles',
  ],
  toys: [
    'Building blocks set', 'Teddy bear plush', 'Doll with accessories', 'Remote control car', 'Jigsaw puzzle 1000 pieces',
    'Board game for families', 'Toy train set wooden', 'Kite for kids', 'Stuffed animal unicorn', 'Play kitchen',
    'Action figure', 'Modelling clay', 'Rubber duck bath toy', 'Spinning top', 'Dollhouse',
  ],
  baby: [
    'Baby stroller lightweight', 'Diapers size 3', 'Baby bottle anti colic', 'Pacifier set', 'Crib mattress',
    'Baby monitor with camera', 'Car seat infant', 'High chair', 'Baby carrier', 'Changing mat', 'Baby wipes',
    'Bib set', 'Teething ring', 'Baby bath tub', 'Swaddle blanket',
  ],
  pets: [
    'Dry dog food chicken', 'Cat litter clumping', 'Dog leash retractable', 'Cat scratching post', 'Dog bed orthopedic',
    'Pet carrier', 'Fish tank filter', 'Bird cage', 'Dog collar leather', 'Cat food wet', 'Chew toy for puppies',
    'Hamster wheel', 'Flea collar', 'Pet grooming brush', 'Dog bowl stainless',
  ],
  food_drink: [
    'Ground coffee medium roast', 'Green tea bags', 'Dark chocolate bar', 'Extra virgin olive oil', 'Red wine',
    'Craft beer pack', 'Basmati rice', 'Pasta spaghetti', 'Honey jar', 'Peanut butter', 'Breakfast cereal', 'Sparkling water',
    'Strawberry jam', 'Cheddar cheese', 'Sourdough bread',
  ],
  books_stationery: [
    'Hardcover notebook lined', 'Ballpoint pens pack', 'Fountain pen', 'Mystery novel paperback', 'Cookbook',
    'Desk calendar', 'Sticky notes', 'Pencil case', 'Coloring book for adults', 'Watercolor paint set', 'Sketchbook',
    'Dictionary english', 'Highlighter markers', 'Stapler', 'Envelopes pack',
  ],
  bags_luggage: [
    'Leather handbag', 'Carry-on suitcase', 'Canvas tote bag', 'Laptop backpack', 'Travel duffel bag', 'Wallet bifold',
    'Crossbody purse', 'Hard shell luggage set', 'Toiletry bag', 'Briefcase leather', 'Gym bag', 'Clutch evening',
    'Coin purse', 'Messenger bag', 'Luggage tags',
  ],
};

/** Shopper queries, each with the category whose titles are the relevant results. */
export const PRODUCT_QUERIES: ReadonlyArray<readonly [string, string]> = [
  ['sneakers', 'footwear'], ['boots', 'footwear'], ['footwear', 'footwear'],
  ['headphones', 'audio'], ['speakers', 'audio'], ['stereo', 'audio'],
  ['pots and pans', 'cookware'], ['cookware', 'cookware'],
  ['coffee machine', 'kitchen_appliances'], ['kitchen appliance', 'kitchen_appliances'],
  ['computer', 'computers'], ['printer', 'computers'],
  ['cellphone accessories', 'phones'], ['telephone', 'phones'],
  ['couch', 'furniture'], ['furniture', 'furniture'], ['table', 'furniture'],
  ['bed linen', 'bedding_textiles'], ['towels', 'bedding_textiles'],
  ['shirts', 'tops_clothing'], ['sweater', 'tops_clothing'],
  ['trousers', 'bottoms_clothing'], ['skirt', 'bottoms_clothing'],
  ['coat', 'outerwear'], ['jackets', 'outerwear'],
  ['jewellery', 'jewelry_watches'], ['necklace', 'jewelry_watches'], ['watch', 'jewelry_watches'],
  ['makeup', 'beauty'], ['cosmetics', 'beauty'],
  ['hair care', 'hair_bath'], ['toiletries', 'hair_bath'],
  ['tools', 'tools'], ['hardware', 'tools'],
  ['gardening', 'garden'], ['lawn', 'garden'],
  ['camping gear', 'camping'], ['outdoor equipment', 'camping'],
  ['fitness equipment', 'sports_fitness'], ['gym', 'sports_fitness'],
  ['toys', 'toys'], ['games for children', 'toys'],
  ['infant', 'baby'], ['nursery', 'baby'],
  ['dog', 'pets'], ['cat supplies', 'pets'],
  ['groceries', 'food_drink'], ['beverages', 'food_drink'],
  ['office supplies', 'books_stationery'], ['books', 'books_stationery'],
  ['bags', 'bags_luggage'], ['luggage', 'bags_luggage'],
];
