/**
 * Words that never carry an answer by themselves: function words, and the vocabulary of announcing,
 * doing or checking work ("let me verify", "we analyze the problem", "final answer"). A response made of
 * these words only states no answer, in whatever order or wording. Numbers, number words, yes/no and
 * any content word are deliberately absent: a response holding one of them reaches the judge.
 *
 * Spaced languages are read word by word; scripts written without spaces (Chinese, Japanese; Korean,
 * whose particles attach to words) are segmented into the pieces of `UNSPACED`.
 */
export const PROCESS_WORDS: ReadonlySet<string> = new Set(
  [
    // English
    'a an the i me my mine we us our you your it its this that these those there here what how why which',
    'is are was were be been being am will would shall should can could may might must do does did done',
    'have has had having let lets s ll m re ve d t to of in on at for with by from about into through',
    'over as and or but so then now first firstly next finally well ok okay alright right sure hmm hm',
    'uh oh ah wait good great question nice think thinking thought thoughts reason reasoning',
    'reasons analyze analyse analysis analyzing analysing consider considering reconsider look looking',
    'closer close see seeing check checking checked verify verifying verification double recheck work',
    'working worked solve solving solved solution solutions problem problems question questions task',
    'step steps stepwise carefully careful approach approaching plan start starting begin beginning',
    'process explanation explain explaining answer answers answering final result results response',
    'reply compute computing recompute calculate calculating calculation calculations figure out break',
    'down determine determining find finding get go going proceed proceeding follows following below',
    'above understand understanding need needs want note noting recall given proof prove conclusion',
    'conclude summary summarize attempt try trying quick quickly briefly brief detailed detail details',
    "method way just simply actually basically let's be sure moment bit little organize organise",
    'before after again once more together restate restating asked asking being information on',
    'determined see shown below later calculation thoughts hmmm okay so then therefore thus hence',
    'would could in summary overall says said goes take taking',
    // Spanish
    'vamos a resolver resolvamos resolverlo resolveré resuelvo este esta esto ese esa el la los las un',
    'una unos unas de del al en paso pasos por para con y o pero entonces ahora primero luego después',
    'finalmente bien bueno veamos pensemos pensar pienso pensarlo analicemos analizar analizo análisis',
    'problema pregunta solución respuesta respuestas final resultado proceso pensamiento razonamiento',
    'explicación calcular calculemos calculo verificar verifiquemos verifico verificarlo comprobar',
    'comprobemos compruebo comprobarlo déjame dejame me voy hay que es son lo cómo como mi mis nuestra',
    'nuestro detalle cuidadosamente cuidado aquí aqui está tenemos empecemos empezar entender un',
    'momento mi allá partes calma',
    // Portuguese
    'deixe deixa vou resolver isso isto passo problema pergunta solução resposta resultado processo',
    'raciocínio explicação calcular verificar conferir analisar análise pensar pensando pouco mais',
    'começar vamos agora primeiro juntos o os do da na é são que como aqui meu minha',
    'nossa cálculo momento bem',
    // French
    'résolvons résoudre résous ce cet cette ces le la les l un une de du des d en pas à a par pour',
    'avec et ou mais alors maintenant abord ensuite enfin bien bon réfléchissons réfléchir réflexion',
    'pensons penser analysons analyser analyse problème question solution réponse finale final',
    'résultat processus raisonnement explication calculons calculer vérifions vérifier vérifie',
    'laissez laisse moi je vais voyons voir étape étapes est sont que comment voici ici nous on mon',
    'ma notre soigneusement attentivement instant procéder procédons commençons comprendre cela par',
    // German
    'lösen löse lösung wir dieses diese dieser das der die den dem ein eine einen schritt für',
    'schritte schrittweise zu und oder aber dann jetzt nun zuerst erst danach schließlich gut denken',
    'denkprozess überlegen überlegung analysieren analyse problem aufgabe frage antwort endgültige',
    'ergebnis prozess begründung erklärung berechnen rechnen prüfen prüfe überprüfen überprüfe lass',
    'mich ich werde schauen sehen uns an ist sind was wie hier unser mein meine sorgfältig genau',
    'also kurz nach beginnen mit lautet einen moment gehen vor',
    // Italian
    'risolviamo risolvere risolvo lo questo questa il la i gli le un una di del della in passo passi',
    'dopo per con e o ma allora ora adesso prima poi infine bene pensiamo pensiamoci pensare',
    'ragioniamo ragionamento analizziamo analizzare analisi problema domanda soluzione risposta',
    'finale risultato processo pensiero spiegazione calcoliamo calcolare verifichiamo verificare',
    'verifico controllo controllare lasciami fammi io vado vediamo vedere è sono che come qui abbiamo',
    'mio mia ecco attentamente attenzione attimo procedere momento',
    // Russian
    'давайте давай решим решить решу решение эту эта этот это задачу задача задачи шаг за шагом шаги',
    'по для с и или но тогда теперь сейчас сначала затем наконец хорошо подумаем думать подумать',
    'размышление ход мыслей мысли рассуждение рассуждения рассуждаем анализ проанализируем',
    'разберёмся разберемся вопрос ответ окончательный итоговый результат процесс объяснение вычислим',
    'посчитаем проверим проверю проверяю проверить позвольте мне я мы посмотрим посмотрим вот здесь',
    'как что внимательно итак минутку мой мои моя моё будем действовать шагам',
    // Dutch, Polish, Turkish, Indonesian/Malay, Vietnamese, Swahili, Arabic, Hindi. Words that are also
    // numbers ("een", "bir", "một", "एक": one) are left out: "Cevap: bir" states an answer.
    'laat me mij ik we wij ons onze mijn het de dit deze dat die eerst eerste dan nu eindelijk',
    'tenslotte even goed oké vraag vragen probleem opgave antwoord antwoorden oplossing oplossen los op',
    'stap stappen stapsgewijs controleren controleer controle nakijken bekijken bekijk kijk kijken',
    'denken denk nadenken redenering analyse analyseren berekenen bereken berekening uitleg resultaat',
    'eindantwoord uiteindelijke uiteindelijk is zijn was wordt worden te van in met voor en of maar dus',
    'om naar zorgvuldig aandachtig beginnen begin gaan ga moment verifiëren verifieer',
    'pozwól pozwólcie niech mi mnie ja my nas nasz moja moje mój to ten ta te tego tej najpierw potem',
    'teraz wreszcie koniec dobrze dobra okej pytanie pytania zadanie problem odpowiedź odpowiedzi',
    'rozwiązanie rozwiązać rozwiążmy rozwiążę krok kroki sprawdzę sprawdzić sprawdźmy sprawdzam',
    'weryfikacja zweryfikować pomyślę pomyślmy myślę zastanowię zastanówmy przeanalizujmy analiza',
    'analizować obliczmy obliczyć obliczenia obliczam wyjaśnienie wynik końcowa końcowy ostateczna',
    'ostateczny jest są był że się i lub ale więc a w we z ze do od po przy dla o uważnie dokładnie',
    'zacznijmy zacznę chwila chwilę moment spójrzmy zobaczmy zobaczę',
    'önce sonra şimdi sonunda tamam iyi peki bu şu o soru soruyu sorunun problemi problemin cevap',
    'cevabı cevabım yanıt yanıtım çözüm çözelim çözmek çözüyorum adım adımlar inceleyelim incelemek',
    'inceleyeyim kontrol edelim edeyim ediyorum etmek düşünelim düşünüyorum düşüneyim hesaplayalım',
    'hesaplamak hesaplama analiz açıklama sonuç son nihai ben biz benim bizim ve veya ama yani için',
    'ile de da dikkatlice dikkatli başlayalım bakalım bakayım dakika doğrulayalım',
    'biar biarkan saya aku kita kami mari ayo ini itu yang dan atau tapi tetapi jadi lalu kemudian',
    'sekarang pertama dulu terlebih dahulu akhirnya akhir baik oke soal pertanyaan masalah jawaban',
    'jawab jawabannya solusi penyelesaian selesaikan menyelesaikan langkah periksa memeriksa cek',
    'mengecek verifikasi pikir pikirkan berpikir memikirkan analisis analisa menganalisis hitung',
    'menghitung perhitungan penjelasan hasil adalah ialah untuk dengan dari di ke pada secara hati',
    'teliti mulai sebentar lihat melihat',
    'hãy để tôi chúng ta mình câu trả lời của cuối cùng kiểm tra xem lại trước tiên đầu sau đó bây giờ',
    'rồi tốt vấn đề bài toán hỏi đáp án giải pháp bước từng suy nghĩ phân tích tính toán kết quả',
    'thích là và hoặc nhưng vậy thì này cách cẩn thận bắt xác minh xét',
    'ngoja nifikirie nifikiri hebu acha niache mimi sisi yangu jibu majibu langu la mwisho suluhisho',
    'tatua kutatua hatua kwanza kisha sasa hatimaye sawa vizuri swali tatizo angalia kuangalia nikague',
    'kagua kuhakiki hakiki fikiria kufikiri chambua uchambuzi hesabu kuhesabu matokeo maelezo ni na au',
    'lakini hivyo kwa ya wa za makini anza tuanze',
    'دعني دعنا لنفكر لنتحقق أتحقق التحقق نتحقق من ذلك هذا هذه السؤال المسألة المشكلة الجواب الإجابة',
    'إجابتي جوابي النهائي النهائية الحل لنحل حل خطوة خطوات أولا أولاً ثم الآن أخيرا أخيراً حسنا حسناً',
    'أفكر التفكير تحليل لنحلل نحسب لنحسب حساب النتيجة شرح في على و أو لكن إذن بعناية لنبدأ لحظة انظر',
    'لننظر أنا نحن',
    'मुझे मैं हम हमें इसे इस यह वह पहले फिर अब अंत अंतिम ठीक अच्छा प्रश्न सवाल समस्या उत्तर जवाब हल',
    'समाधान चरण कदम जांचने जांच जाँच जांचें सोचने सोचते सोचें सोच विश्लेषण गणना परिणाम व्याख्या दें',
    'दीजिए दो का की के को से में और या लेकिन तो दोस्तों ध्यान शुरू करते करें हैं है पल देखें देखते',
  ]
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/**
 * The grader's vocabulary: words that point at the reference or claim correctness instead of stating an
 * answer ("Same as the reference answer.", "This is correct.", "Die Antwort ist richtig.", "答案是正确的。").
 * They count as process words, except those the sample's reference itself uses (a true/false question
 * whose reference is "correct" is answered by "It is correct").
 */
export const GRADING_WORDS: ReadonlySet<string> = new Set(
  [
    // English
    'reference references gold golden expected ground truth key official provided correct correctly',
    'accurate right valid match matches matching matched same identical equal equals equivalent agrees',
    'agree consistent whatever exactly indeed computed shown stated derived obtained left exercise value',
    'mentioned earlier previously',
    // Spanish, Portuguese, French, German, Italian, Russian
    'referencia correcta correcto correctas misma mismo igual esperada esperado válida referência',
    'correta certo certa mesma esperada référence correcte correct même attendue identique referenz',
    'richtig korrekt korrekte richtige gleiche gleich erwartete riferimento corretta corretto stessa',
    'uguale attesa правильный правильно правильная верно верный эталон эталонный такой же ожидаемый',
  ]
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** Pieces of the grader's vocabulary in Chinese, Japanese and Korean (as `GRADING_WORDS`). */
export const GRADING_UNSPACED: ReadonlySet<string> = new Set(
  '正确 正確 对 對 参考 标准 见上 同上 一致 相同 正解 です 正しい 参照 정답입니다 입니다 맞습니다 맞아요 정확'.split(
    ' ',
  ),
);

/**
 * What a one-word response must be to state no answer: a label or a filler. Other process words alone
 * ("First", "Well", "Right") may well be the answer to a question.
 */
export const LABEL_WORDS: ReadonlySet<string> = new Set(
  (
    'answer answers solution reasoning analysis explanation thought thoughts thinking proof result ' +
    'response reply hmm hm hmmm okay ok uh so therefore thus hence step steps final respuesta solución ' +
    'razonamiento análisis réponse raisonnement solution lösung antwort überlegung begründung risposta ' +
    'soluzione ragionamento ответ решение рассуждение resposta solução raciocínio checking verifying ' +
    'calculating computing thinking verifico controllo compruebo pienso vérifie prüfe проверяю думаю считаю'
  ).split(' '),
);

/** Verdict-like answers: a response holding one states an answer (to a yes/no or true/false question). */
export const YES_NO: ReadonlySet<string> = new Set(
  (
    'yes no true false sí si oui non ja nein да нет sim não vero falso wahr falsch vrai faux verdadero ' +
    'nee tak nie evet hayır ya tidak benar salah ndiyo hapana kweli نعم لا صحيح خطأ ' +
    'हाँ हां नहीं सही गलत'
  ).split(' '),
);

/** Pieces of Chinese, Japanese and Korean openers, matched without spaces. */
export const UNSPACED: ReadonlySet<string> = new Set(
  [
    // Chinese
    '让 我们 我 一步一步 一步步 逐步 地 来 解决 解 这个 这道 这 道 问题 题目 题 思考 思路 过程 分析 首先',
    '好的 好 嗯 答案 答 是 最终 最后 因此 所以 验证 检查 计算 重新 开始 吧 的 下 下面 看 看看 一下 仔细',
    '认真 想 想想 想一想 步骤 解题 解答 结果 回答 如下 现在 然后 那么 那 需要 要 稍等 等等 了 呢 啊 哦',
    '请 求解 推理 一起 中 先 怎么 做 理解 我来',
    // Japanese
    'ステップバイステップ ステップ ごと で 解いて 解い 解き 解く いきます みましょう ましょう みます',
    'させて ください 確認 させてください 考えて 考え 考え方 順番 順 に を 追って まず まずは 次に では',
    'それでは さて 問題 整理 解答 答え 回答 思考 過程 解説 説明 分析 計算 し します しましょう して',
    'は が の て と よう 最終 的 な 結果 ね よ えっと うーん 少し 見て 見ましょう 読みます 読み 検証 私',
    'ちょっと 待って 方 を',
    // Korean
    '단계별로 단계 별로 풀어 풀이 봅시다 보겠습니다 생각해 생각 사고 과정 문제 문제를 를 을 이 가 은',
    '는 정답 정답은 답 답은 해설 분석 분석해 먼저 우선 그럼 자 좋아 좋아요 좋습니다 확인 확인해',
    '계산 계산해 하겠습니다 해 최종 결과 답변 설명 검토 검토해 차근차근 천천히 저 제 제가 우리 함께',
    '잠시 잠깐만요 잠깐 이제 주어진 조건 조건을 정리하겠습니다 정리 살펴봅시다 살펴 요',
  ]
    .join(' ')
    .split(/\s+/)
    .filter((w) => w !== ''),
);

/** The longest piece of `UNSPACED`, in code points (bounds the segmentation's work per position). */
export const LONGEST_UNSPACED = Math.max(...[...UNSPACED, ...GRADING_UNSPACED].map((w) => [...w].length));
