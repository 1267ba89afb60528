import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../../../src/verifiers/ifeval/language.js';

/**
 * One sentence per IFEval language (written for Assay: the same everyday sentence in each), and the
 * code langdetect names it with. The detector must agree on every one; the figure is printed.
 */
const SAMPLES: Record<string, string> = {
  en: 'The weather was pleasant today, so we decided to walk to the market and buy some fresh vegetables for dinner.',
  es: 'El tiempo estuvo agradable hoy, así que decidimos caminar al mercado y comprar verduras frescas para la cena.',
  pt: 'O tempo estava agradável hoje, então decidimos caminhar até o mercado e comprar legumes frescos para o jantar.',
  fr: "Il faisait beau aujourd'hui, alors nous avons décidé de marcher jusqu'au marché pour acheter des légumes frais.",
  de: 'Das Wetter war heute angenehm, also beschlossen wir, zum Markt zu laufen und frisches Gemüse zu kaufen.',
  it: 'Oggi il tempo era piacevole, quindi abbiamo deciso di andare al mercato a piedi e comprare verdure fresche.',
  ru: 'Сегодня была приятная погода, поэтому мы решили пойти на рынок пешком и купить свежие овощи к ужину.',
  uk: 'Сьогодні була приємна погода, тому ми вирішили піти на ринок пішки і купити свіжі овочі на вечерю.',
  bg: 'Днес времето беше приятно, затова решихме да отидем до пазара пеша и да купим пресни зеленчуци за вечеря.',
  pl: 'Dzisiaj pogoda była przyjemna, więc postanowiliśmy pójść na targ pieszo i kupić świeże warzywa na kolację.',
  fi: 'Sää oli tänään mukava, joten päätimme kävellä torille ja ostaa tuoreita vihanneksia illalliseksi.',
  vi: 'Hôm nay thời tiết dễ chịu, vì vậy chúng tôi quyết định đi bộ ra chợ và mua rau tươi cho bữa tối.',
  sw: 'Hali ya hewa ilikuwa nzuri leo, kwa hiyo tuliamua kutembea hadi sokoni na kununua mboga mbichi kwa chakula cha jioni.',
  ar: 'كان الطقس لطيفا اليوم، لذلك قررنا المشي إلى السوق وشراء خضروات طازجة للعشاء.',
  fa: 'امروز هوا خوب بود، بنابراین تصمیم گرفتیم پیاده به بازار برویم و سبزیجات تازه برای شام بخریم.',
  ur: 'آج موسم خوشگوار تھا، اس لیے ہم نے بازار تک پیدل جانے اور رات کے کھانے کے لیے تازہ سبزیاں خریدنے کا فیصلہ کیا۔',
  he: 'מזג האוויר היה נעים היום, אז החלטנו ללכת ברגל לשוק ולקנות ירקות טריים לארוחת ערב.',
  hi: 'आज मौसम सुहावना था, इसलिए हमने बाजार तक पैदल जाने और रात के खाने के लिए ताज़ी सब्जियाँ खरीदने का फैसला किया।',
  mr: 'आज हवामान छान होते, म्हणून आम्ही बाजारात चालत जाऊन रात्रीच्या जेवणासाठी ताज्या भाज्या विकत घेण्याचे ठरवले.',
  ne: 'आज मौसम रमाइलो थियो, त्यसैले हामीले बजारसम्म हिँडेर जाने र बेलुकाको खानाका लागि ताजा तरकारी किन्ने निर्णय गर्यौं।',
  bn: 'আজ আবহাওয়া মনোরম ছিল, তাই আমরা হেঁটে বাজারে গিয়ে রাতের খাবারের জন্য তাজা সবজি কেনার সিদ্ধান্ত নিলাম।',
  ta: 'இன்று வானிலை இனிமையாக இருந்தது, எனவே நாங்கள் சந்தைக்கு நடந்து சென்று இரவு உணவுக்கு புதிய காய்கறிகளை வாங்க முடிவு செய்தோம்.',
  te: 'ఈ రోజు వాతావరణం ఆహ్లాదకరంగా ఉంది, కాబట్టి మేము మార్కెట్‌కు నడిచి వెళ్లి రాత్రి భోజనానికి తాజా కూరగాయలు కొనాలని నిర్ణయించుకున్నాము.',
  kn: 'ಇಂದು ಹವಾಮಾನ ಆಹ್ಲಾದಕರವಾಗಿತ್ತು, ಆದ್ದರಿಂದ ನಾವು ಮಾರುಕಟ್ಟೆಗೆ ನಡೆದು ಹೋಗಿ ರಾತ್ರಿ ಊಟಕ್ಕೆ ತಾಜಾ ತರಕಾರಿಗಳನ್ನು ಖರೀದಿಸಲು ನಿರ್ಧರಿಸಿದೆವು.',
  ml: 'ഇന്ന് കാലാവസ്ഥ സുഖകരമായിരുന്നു, അതിനാൽ ഞങ്ങൾ ചന്തയിലേക്ക് നടന്നുപോയി അത്താഴത്തിന് പുതിയ പച്ചക്കറികൾ വാങ്ങാൻ തീരുമാനിച്ചു.',
  gu: 'આજે હવામાન સુખદ હતું, તેથી અમે બજાર સુધી ચાલીને જવાનું અને રાત્રિભોજન માટે તાજી શાકભાજી ખરીદવાનું નક્કી કર્યું.',
  pa: 'ਅੱਜ ਮੌਸਮ ਸੁਹਾਵਣਾ ਸੀ, ਇਸ ਲਈ ਅਸੀਂ ਬਜ਼ਾਰ ਤੱਕ ਪੈਦਲ ਜਾਣ ਅਤੇ ਰਾਤ ਦੇ ਖਾਣੇ ਲਈ ਤਾਜ਼ੀਆਂ ਸਬਜ਼ੀਆਂ ਖਰੀਦਣ ਦਾ ਫੈਸਲਾ ਕੀਤਾ।',
  th: 'วันนี้อากาศดี เราจึงตัดสินใจเดินไปตลาดและซื้อผักสดสำหรับมื้อเย็น',
  ja: '今日は天気が良かったので、市場まで歩いて夕食用の新鮮な野菜を買うことにしました。',
  ko: '오늘은 날씨가 좋아서 시장까지 걸어가서 저녁으로 먹을 신선한 채소를 사기로 했습니다.',
};

describe('language detection against langdetect codes', () => {
  it('names each of the 30 IFEval languages', () => {
    const wrong = Object.entries(SAMPLES)
      .map(([code, text]) => [code, detectLanguage(text)])
      .filter(([code, got]) => code !== got);
    console.log(`language: ${30 - wrong.length}/30 IFEval languages named as langdetect codes them`);
    expect(wrong).toEqual([]);
  });
  it('upper-case English is English; no letters means langdetect would raise', () => {
    expect(detectLanguage(SAMPLES.en!.toUpperCase())).toBe('en');
    expect(detectLanguage('12345 678 !!!')).toBeUndefined();
  });
});
