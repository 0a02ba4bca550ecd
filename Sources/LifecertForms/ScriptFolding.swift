/// Folding traditional Chinese characters to their simplified forms, so that either script matches.
///
/// Certificates from Hong Kong, Macao and Taiwan are printed in traditional characters, consular
/// forms in simplified ones, and templates may be written in either. Keywords, patterns and page
/// text are all folded with this table before they are compared, so `香港工會聯合會` in a keyword
/// finds `香港工会联合会` on a page and the other way round. Values are folded only where a template
/// asks for it (`normalize: [simplified]`, as the Hong Kong, Macao and Taiwan templates do for the
/// name, so it compares with the registry); a reading's `raw` text always keeps what was printed.
///
/// The table covers the characters of the labels, titles and attestation phrases on the documents
/// SPEC.md lists, common characters around them, and common surname and given-name characters
/// (about 520 pairs). It is a one-to-one character map, so folding keeps every character's
/// position; a character it does not know is left as it is (then a keyword still matches when
/// written in the page's own script).
enum ScriptFolding {
    /// Pairs of (traditional or variant, simplified), written two characters at a time.
    private static let pairs: String = """
    證证書书會会聯联別别號号碼码鄉乡親亲確确認认實实聲声條条謹谨鄭郑務务總总監监員员國国託托簽签\
    轉转遞递專专門门臨临編编統统請请項项灣湾臺台華华間间對对辦办協协領领養养來来內内現现與与\
    體体歲岁為为爲为於于經经過过區区陸陆駐驻館馆處处廣广東东險险題题檢检驗验勞劳動动業业單单\
    歷历曆历農农舊旧歸归護护權权戶户戸户資资審审復复電电話话郵邮齡龄應应機机關关構构寫写發发\
    後后個个們们時时開开無无續续從从屬属縣县鎮镇選选擇择辭辞長长張张陳陈劉刘黃黄楊杨趙赵吳吴\
    週周鄧邓馬马羅罗謝谢韓韩馮冯葉叶蘇苏盧卢蔣蒋許许錢钱孫孙鍾钟歐欧陽阳龍龙鳳凤麥麦譚谭茲兹\
    証证頁页蓋盖負负責责職职稱称場场種种類类換换補补給给頒颁據据準准紀纪錄录記记載载義义雙双\
    邊边線线綫线數数齊齐參参費费繳缴納纳額额劃划醫医療疗傷伤殘残卹恤撫抚遺遗維维擁拥愛爱議议\
    團团結结練练習习識识讀读誤误錯错際际狀状態态聽听說说寶宝貝贝買买賣卖價价銀银帳帐賬账匯汇\
    質质詢询問问絡络絕绝濟济貿贸僑侨約约遜逊學学衛卫環环舉举萬万億亿點点鐘钟島岛離离喪丧\
    兒儿並并當当該该須须將将寧宁靜静樂乐麗丽駱骆鄺邝嚴严顧顾韋韦賴赖龔龚鄒邹閻阎聶聂蕭萧錦锦\
    輝辉強强偉伟榮荣慶庆歡欢儀仪錫锡鐵铁銘铭鋒锋綺绮嬌娇鶯莺鳴鸣駿骏藝艺蘭兰蓮莲瑩莹雲云樺桦\
    漢汉漁渔滬沪潔洁澤泽濤涛熱热燈灯營营勳勋勁劲勝胜勵励劍剑創创則则剛刚陰阴厲厉壓压廳厅\
    衆众眾众裏里裡里麼么峯峰麵面訊讯訂订計计設设許许診诊詞词試试詳详誠诚語语誌志説说調调談谈\
    諮咨謂谓講讲證证識识譯译變变讓让貨货販贩貴贵貸贷費费賀贺賠赔賦赋購购賽赛贈赠贊赞趕赶\
    車车軍军軟软較较載载輔辅輕轻輸输辦办遠远遲迟適适選选遺遗邁迈鄰邻醜丑針针鈔钞銷销鋼钢錄录\
    鍵键鏡镜鐘钟長长閉闭開开閑闲間间閱阅闆板闊阔隊队階阶際际隨随險险隱隐雜杂難难雞鸡電电靈灵\
    韻韵響响頂顶項项順顺須须預预領领頭头頻频額额顏颜願愿類类顯显風风飛飞飯饭飲饮餘余館馆駕驾\
    驗验騎骑體体髮发鬆松魚鱼鳥鸟鹽盐麥麦齒齿龜龟為为鳥鸟產产畢毕異异當当發发盡尽監监盤盘\
    県县瞭了矯矫礎础祿禄禮礼稅税穩稳窮穷競竞筆笔節节範范築筑簡简籌筹糧粮紅红約约級级紀纪紙纸\
    紛纷細细終终組组結结絡络給给統统絲丝經经綜综綠绿緊紧線线締缔編编緣缘練练縮缩總总績绩繁繁\
    織织繩绳繼继續续罰罚罷罢羨羡習习聞闻聯联聰聪聲声職职肅肃脅胁脈脉腦脑腳脚膽胆臉脸與与舉举\
    舊旧艙舱莊庄華华萬万葉叶著着蔭荫薦荐藥药處处號号蟲虫術术衝冲衛卫補补裝装製制複复覺觉覽览\
    觀观觸触訓训託托記记訪访許许評评識识譽誉讀读貞贞負负財财責责貫贯敗败質质賬账贏赢趨趋跡迹\
    踐践蹤踪軌轨軸轴較较輪轮辭辞農农邊边郵邮鄉乡醫医釋释鋪铺錯错鍋锅鎖锁鏈链關关閣阁阻阻陣阵\
    陸陆陳陈際际隊队雙双雖虽離离雲云電电需需靜静韓韩頒颁頓顿頗颇題题額额飽饱養养餐餐首首馬马\
    駐驻驅驱骨骨髒脏鬥斗鬧闹魯鲁鮮鲜鴻鸿鵬鹏麗丽黨党齊齐齡龄龍龙龐庞\
    傑杰艷艳豔艳聖圣賢贤瓊琼鴿鸽翹翘凱凯興兴禎祯豐丰釗钊鑑鉴鑒鉴婭娅嬋婵嫻娴穎颖頴颖曉晓驍骁鶴鹤彥彦緯纬絢绚靄霭蘋苹藍蓝湯汤溫温喬乔\
    賈贾鄔邬閔闵婁娄繆缪賁贲諸诸鈕钮儲储烏乌宮宫欒栾鈄钭薊蓟懷怀藺蔺鬱郁蒼苍貢贡酈郦卻却壽寿郟郏連连滿满闕阙師师鞏巩厙厍闞阚饒饶荊荆\
    煒炜瑋玮
    """

    /// The map, built once.
    static let table: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        let scalars = Array(pairs.unicodeScalars.filter { !$0.properties.isWhitespace })
        var i = 0
        while i + 1 < scalars.count {
            if scalars[i] != scalars[i + 1] { map[scalars[i]] = scalars[i + 1] }
            i += 2
        }
        return map
    }()

    /// The simplified form of one scalar (itself when the table does not know it).
    @inline(__always)
    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar { table[s] ?? s }

    /// The simplified form of one character (characters of more than one scalar are kept).
    static func fold(_ c: Character) -> Character {
        let u = c.unicodeScalars
        guard u.count == 1, let f = table[u.first!] else { return c }
        return Character(f)
    }

    /// Folds every character of a string.
    static func fold(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars { out.append(fold(u)) }
        return String(out)
    }
}
