// Everyday shop words that WordNet 3.1 (2011) lacks, written for Tacit from common knowledge (no copied
// word list; MIT like the rest of the project).
//
// - SHOP_ALIASES: abbreviations, units and spelling variants that mean exactly one WordNet word; the
//   tokenizer maps them onto that word's row ("pcs" → "piece", "colour" → "color").
// - SHOP_WORDS: new words with a short gloss of WordNet words; the build gives each the normalized mean
//   of its gloss words' vectors (the first gloss word, the word's kind, counts double), so "hoodie" lands
//   by "sweatshirt" and "hood", "kombucha" by "tea" and "ferment".
// A word that WordNet (or an earlier line) already has is skipped by the build.

export const SHOP_ALIASES: ReadonlyArray<readonly [form: string, word: string]> = [
  // units and counts
  ['pcs', 'piece'], ['pc', 'piece'], ['pce', 'piece'], ['oz', 'ounce'], ['ozs', 'ounce'], ['lb', 'pound'], ['lbs', 'pound'],
  ['kg', 'kilogram'], ['kgs', 'kilogram'], ['gr', 'gram'], ['gm', 'gram'], ['mg', 'milligram'], ['ml', 'milliliter'],
  ['cl', 'centiliter'], ['ltr', 'liter'], ['litre', 'liter'], ['litres', 'liter'], ['millilitre', 'milliliter'],
  ['cm', 'centimeter'], ['mm', 'millimeter'], ['centimetre', 'centimeter'], ['millimetre', 'millimeter'], ['metre', 'meter'],
  ['metres', 'meter'], ['ft', 'foot'], ['yd', 'yard'], ['gal', 'gallon'], ['qt', 'quart'], ['pt', 'pint'], ['tbsp', 'tablespoon'],
  ['tsp', 'teaspoon'], ['doz', 'dozen'], ['qty', 'quantity'], ['pk', 'pack'], ['pkt', 'packet'], ['pkg', 'package'],
  ['ctn', 'carton'], ['btl', 'bottle'], ['asst', 'assortment'], ['assorted', 'assortment'], ['mah', 'milliampere'],
  ['watt', 'watt'], ['mhz', 'megahertz'], ['ghz', 'gigahertz'], ['gb', 'gigabyte'], ['tb', 'terabyte'], ['mb', 'megabyte'],
  // British spellings
  ['colour', 'color'], ['colours', 'color'], ['coloured', 'colored'], ['aluminium', 'aluminum'], ['jewellery', 'jewelry'],
  ['organiser', 'organizer'], ['organisers', 'organizer'], ['favour', 'favor'], ['favourite', 'favorite'], ['flavour', 'flavor'],
  ['flavours', 'flavor'], ['centre', 'center'], ['tyre', 'tire'], ['tyres', 'tire'], ['catalogue', 'catalog'], ['cheque', 'check'],
  ['pyjamas', 'pajama'], ['moisturiser', 'moisturizer'], ['fibre', 'fiber'], ['grey', 'gray'], ['mould', 'mold'],
  ['storey', 'story'], ['programme', 'program'], ['draught', 'draft'], ['plough', 'plow'], ['yoghurt', 'yogurt'],
  ['yoghurts', 'yogurt'], ['doughnut', 'donut'], ['nappy', 'diaper'], ['nappies', 'diaper'],
  // possessives written without the apostrophe, more British spellings
  ['childrens', 'child'], ['mens', 'man'], ['womens', 'woman'], ['ladys', 'lady'], ['kids', 'kid'],
  ['jewelled', 'jeweled'], ['multicolour', 'multicolor'], ['multicoloured', 'multicolored'], ['metallic', 'metallic'],
  ['personalised', 'personalized'], ['customised', 'customized'], ['polkadot', 'polka-dot'], ['stripey', 'striped'],
  ['licence', 'license'], ['defence', 'defense'], ['cosy', 'cozy'], ['artefact', 'artifact'], ['sulphur', 'sulfur'],
  // shop shorthand
  ['tshirt', 'shirt'], ['tshirts', 'shirt'], ['tee', 'shirt'], ['tees', 'shirt'],
];

export const SHOP_WORDS: ReadonlyArray<readonly [word: string, gloss: string]> = [
  // technology
  ['smartphone', 'telephone mobile computer cellular'], ['smartphones', 'telephone mobile computer cellular'],
  ['iphone', 'telephone mobile computer cellular'], ['android', 'telephone mobile computer software'],
  ['smartwatch', 'wristwatch computer digital'], ['tablet', 'computer portable screen'], ['ipad', 'computer portable screen'],
  ['bluetooth', 'wireless radio connection headphone speaker'], ['wifi', 'wireless network internet'], ['usb', 'cable connector computer port'],
  ['hdmi', 'cable connector television video'], ['earbuds', 'earphone headphone wireless'], ['earbud', 'earphone headphone wireless'],
  ['airpods', 'earphone headphone wireless'], ['soundbar', 'loudspeaker television sound'], ['subwoofer', 'loudspeaker bass sound'],
  ['webcam', 'camera computer video'], ['router', 'network internet wireless device'], ['modem', 'network internet device'],
  ['powerbank', 'battery charger portable'], ['charger', 'electric battery cable'], ['chargers', 'electric battery cable'],
  ['laptop', 'computer portable notebook'], ['ssd', 'computer storage drive memory'], ['hdd', 'computer storage disk drive'],
  ['sd', 'memory card storage camera'], ['microsd', 'memory card storage camera'], ['led', 'light lamp diode electric'],
  ['leds', 'light lamp diode electric'], ['lcd', 'screen display monitor'], ['oled', 'screen display television'],
  ['4k', 'television screen video resolution'], ['gamepad', 'game controller joystick'], ['playstation', 'video game console'],
  ['xbox', 'video game console'], ['nintendo', 'video game console'], ['drone', 'aircraft remote camera flying'],
  ['selfie', 'photograph camera self'], ['stylus', 'pen tablet screen'], ['keyboard', 'computer key typing'],
  ['printer', 'computer paper print'], ['toner', 'printer ink cartridge powder'], ['filament', 'plastic thread printer'],
  ['pla', 'plastic filament printer'], ['abs', 'plastic filament printer'], ['petg', 'plastic filament printer'],
  ['3d', 'printer three dimensional'], ['arduino', 'electronics circuit board computer'], ['raspberry', 'fruit berry'],
  ['online', 'internet computer network'], ['app', 'software program application'], ['apps', 'software program application'],
  ['ebook', 'book electronic digital'], ['kindle', 'book electronic reader'], ['dvd', 'disk video film'], ['cd', 'disk music audio'],
  ['vinyl', 'record music plastic'], ['hifi', 'stereo sound audio'], ['walkie', 'radio portable telephone'],
  // clothing and fashion
  ['hoodie', 'sweatshirt hood jacket'], ['hoodies', 'sweatshirt hood jacket'], ['leggings', 'tights trousers stretch'],
  ['jeggings', 'tights jean trousers'], ['joggers', 'trousers sweatpants sport'], ['sweatpants', 'trousers sport cotton'],
  ['activewear', 'clothing sport exercise'], ['sportswear', 'clothing sport exercise'], ['loungewear', 'clothing comfortable home'],
  ['swimwear', 'swimsuit clothing swimming'], ['beanie', 'cap hat knitted'], ['snapback', 'cap hat baseball'],
  ['crossbody', 'handbag strap shoulder'], ['tote', 'bag handbag carry'], ['backpack', 'bag knapsack carry'],
  ['sneaker', 'shoe sport running'], ['trainers', 'shoe sport running'], ['flipflops', 'sandal shoe beach'],
  ['crop', 'short top shirt'], ['onesie', 'garment baby pajama'], ['bodysuit', 'garment leotard'], ['jumpsuit', 'garment overall'],
  ['romper', 'garment baby'], ['shapewear', 'undergarment girdle'], ['bralette', 'brassiere undergarment'],
  ['chinos', 'trousers cotton twill'], ['slim', 'thin narrow'], ['oversized', 'large big loose'],
  // food and drink
  ['kombucha', 'tea ferment drink'], ['quinoa', 'grain seed cereal'], ['kefir', 'milk ferment drink'], ['vegan', 'vegetarian plant food'],
  ['hummus', 'chickpea dip paste'], ['granola', 'cereal oat breakfast'], ['muesli', 'cereal oat breakfast'], ['tofu', 'bean curd soy'],
  ['tempeh', 'soybean ferment food'], ['matcha', 'tea green powder'], ['chai', 'tea spice milk'], ['latte', 'coffee milk espresso'],
  ['cappuccino', 'coffee milk espresso'], ['espresso', 'coffee strong'], ['smoothie', 'drink fruit blend'], ['acai', 'berry fruit palm'],
  ['chia', 'seed grain'], ['sriracha', 'sauce chili hot'], ['salsa', 'sauce tomato spicy'], ['pesto', 'sauce basil cheese'],
  ['gnocchi', 'pasta potato dumpling'], ['ramen', 'noodle soup japanese'], ['sushi', 'rice fish japanese'], ['tortilla', 'bread flat corn'],
  ['tortillas', 'bread flat corn'], ['nachos', 'chip tortilla cheese'], ['burrito', 'tortilla filling mexican'],
  ['baguette', 'bread french loaf'], ['brioche', 'bread roll sweet'], ['croissant', 'pastry roll butter'], ['bagel', 'bread roll'],
  ['cupcake', 'cake small'], ['cupcakes', 'cake small'], ['brownie', 'cake chocolate'], ['biscotti', 'biscuit cookie italian'],
  ['gelato', 'ice cream italian'], ['sorbet', 'ice fruit dessert'], ['probiotic', 'bacteria healthy food'], ['gluten', 'protein wheat'],
  ['glutenfree', 'food diet wheat'], ['keto', 'diet low carbohydrate'], ['paleo', 'diet meat vegetable'], ['organic', 'natural food farming'],
  ['decaf', 'coffee caffeine'], ['oatmilk', 'milk oat drink'], ['agave', 'syrup sweetener plant'], ['stevia', 'sweetener sugar plant'],
  ['jalapeno', 'pepper chili hot'], ['chipotle', 'pepper chili smoked'], ['edamame', 'soybean bean green'],
  ['prosciutto', 'ham italian cured'], ['chorizo', 'sausage spicy pork'], ['pepperoni', 'sausage spicy pizza'], ['mozzarella', 'cheese italian'],
  ['cheddar', 'cheese hard'], ['brie', 'cheese french soft'], ['feta', 'cheese greek'],
  ['ricotta', 'cheese italian soft'], ['mascarpone', 'cheese italian cream'], ['halloumi', 'cheese grill'],
  // origins and occasions, by what shops sell of them (names of places and people are not in the vocabulary)
  ['greek', 'feta olive yogurt honey'], ['italian', 'pasta pizza espresso olive'], ['french', 'wine cheese baguette perfume'],
  ['mexican', 'tortilla salsa chili bean'], ['japanese', 'sushi rice tea noodle'], ['chinese', 'rice noodle tea porcelain'],
  ['indian', 'curry spice tea rice'], ['thai', 'curry rice noodle coconut'], ['spanish', 'paella olive ham wine'],
  ['english', 'tea biscuit breakfast'], ['british', 'tea biscuit breakfast'], ['american', 'burger baseball denim'],
  ['german', 'beer sausage bread'], ['swiss', 'cheese chocolate watch'], ['belgian', 'chocolate waffle beer'],
  ['irish', 'whiskey wool stew'], ['scottish', 'whisky tartan wool'], ['dutch', 'cheese tulip bicycle'],
  ['swedish', 'furniture design herring'], ['scandinavian', 'furniture design wool'], ['moroccan', 'spice lantern rug'],
  ['christmas', 'holiday gift decoration tree'], ['xmas', 'holiday gift decoration tree'], ['easter', 'holiday egg chocolate spring'],
  ['halloween', 'holiday costume pumpkin candy'], ['valentine', 'love gift card heart'], ['valentines', 'love gift card heart'],
  ['victorian', 'antique vintage ornate'], ['edwardian', 'antique vintage'], ['parmesan', 'cheese italian hard'],
  // beauty and health
  ['moisturizer', 'cream lotion skin'], ['moisturizing', 'cream lotion skin'], ['serum', 'lotion skin face'], ['spf', 'sunscreen sun protection'],
  ['sunscreen', 'lotion sun protection'], ['skincare', 'skin care cosmetic'], ['haircare', 'hair care shampoo'], ['eyeliner', 'cosmetic eye pencil'],
  ['concealer', 'cosmetic makeup face'], ['bronzer', 'cosmetic makeup face'], ['primer', 'cosmetic makeup base'], ['micellar', 'water cleanser skin'],
  ['retinol', 'vitamin skin cream'], ['collagen', 'protein skin'], ['cbd', 'hemp oil cannabis'], ['vitamins', 'vitamin supplement pill'],
  ['multivitamin', 'vitamin supplement pill'], ['omega', 'fatty acid oil fish'], ['deodorant', 'toiletry odor'],
  ['toothpaste', 'dentifrice tooth paste'], ['floss', 'thread tooth dental'], ['tampons', 'tampon menstrual'],
  // home, garden and hobbies
  ['tealight', 'candle small'], ['tealights', 'candle small'], ['keyring', 'key ring chain'], ['keychain', 'key ring chain'],
  ['doorstop', 'door stop'], ['coaster', 'mat drink table'], ['coasters', 'mat drink table'], ['placemat', 'mat table plate'],
  ['duvet', 'quilt bed cover'], ['pillowcase', 'pillow cover bed'], ['lanyard', 'cord neck strap'], ['decal', 'sticker picture'],
  ['stickers', 'sticker label adhesive'], ['washi', 'tape paper decorative'], ['scrapbook', 'album paper craft'], ['crochet', 'knit yarn hook'],
  ['macrame', 'knot cord craft'], ['diy', 'craft home repair'], ['airfryer', 'fryer oven kitchen'], ['microwaveable', 'microwave oven food'],
  ['dishwasher', 'machine dish washing'], ['nonstick', 'pan coating teflon'], ['cookware', 'pan pot kitchen'], ['bakeware', 'pan baking oven'],
  ['tupperware', 'container plastic food'], ['thermos', 'flask bottle vacuum'], ['kettlebell', 'weight exercise iron'], ['yoga', 'exercise stretching'],
  ['pilates', 'exercise fitness'], ['treadmill', 'exercise machine running'], ['dumbbell', 'weight exercise'], ['skateboard', 'board wheel sport'],
  ['scooter', 'vehicle wheel kick'], ['ebike', 'bicycle electric'], ['lego', 'toy block building'], ['playset', 'toy set play'],
  ['plushie', 'toy stuffed soft'], ['plush', 'toy stuffed soft'], ['jigsaw', 'puzzle picture piece'], ['boardgame', 'game board'],
  ['trampoline', 'gymnastics jumping'], ['pushchair', 'stroller baby carriage'], ['stroller', 'baby carriage'], ['diaper', 'baby napkin'],
  ['wipes', 'tissue cleaning'], ['pacifier', 'baby nipple'], ['petfood', 'food pet dog cat'], ['catnip', 'cat plant herb'],
  ['stapler', 'staple office paper'], ['postit', 'note paper sticky'], ['highlighter', 'pen marker'], ['sharpie', 'pen marker'],
  ['lightbulb', 'bulb light lamp'], ['powerstrip', 'socket electric outlet'], ['wrench', 'tool spanner'], ['cordless', 'wireless battery'],
];
