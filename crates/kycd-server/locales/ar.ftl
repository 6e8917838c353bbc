# kycd hosted verification flow — Arabic (العربية؛ النصوص الناقصة تؤخذ من المرجع الإنجليزي).
# المتغيرات: { $partner } اسم الشريك، { $minutes } الدقائق المتبقية، { $count } عدد.

lang-name = العربية
page-title = التحقق من الهوية
skip-to-content = الانتقال إلى المحتوى
verifying-for = التحقق لصالح { $partner }
time-left = { $minutes ->
    [zero] لم يتبقَّ وقت
    [one] تبقّت دقيقة واحدة
    [two] تبقّت دقيقتان
    [few] تبقّت { $minutes } دقائق
    [many] تبقّت { $minutes } دقيقة
   *[other] تبقّت { $minutes } دقيقة
}
language = اللغة
cancel = إلغاء التحقق
continue = متابعة
back = رجوع

start-heading = تحقق من هويتك
start-intro = يطلب منك { $partner } تأكيد هويتك. يستغرق ذلك نحو دقيقتين.
start-need = ستحتاج إلى:
start-need-document = وثيقة هويتك (جواز السفر أو بطاقة الهوية أو تصريح الإقامة أو رخصة القيادة)
start-need-selfie = كاميرا لالتقاط صورة لوجهك
start-need-light = إضاءة جيدة دون انعكاسات على الوثيقة
start-privacy = تُرسل صورك إلى خدمة التحقق لدى { $partner } فقط، وتُحفظ مشفّرة.
start-button = ابدأ

choose-heading = اختر وثيقتك
choose-country = بلد الإصدار
choose-country-any = اختر بلدًا
choose-document = نوع الوثيقة
doc-ID_CARD = بطاقة الهوية
doc-PASSPORT = جواز السفر
doc-RESIDENCE_PERMIT = تصريح الإقامة
doc-DRIVER_LICENSE = رخصة القيادة
doc-OTHER = وثيقة أخرى
doc-generic = { $code }

step-of = الخطوة { $step } من { $total }
capture-FRONT-heading = الوجه الأمامي لوثيقتك
capture-FRONT-PASSPORT-heading = صفحة الصورة في جواز سفرك
capture-BACK-heading = الوجه الخلفي لوثيقتك
capture-FACE-heading = صورة لوجهك
capture-document-hint = ضع الوثيقة مسطّحة داخل الإطار، بحيث تظهر زواياها الأربع كلها دون أي لمعان.
capture-face-hint = انظر مباشرة إلى الكاميرا، واجعل وجهك داخل الشكل البيضاوي دون أن يغطيه شيء.
capture-camera-start = استخدام الكاميرا
capture-button = التقاط الصورة
capture-retake = إعادة الالتقاط
capture-use = استخدام هذه الصورة
capture-upload-label = أو اختر صورة من هذا الجهاز
capture-upload-button = رفع صورة
capture-camera-unavailable = لا يمكن استخدام الكاميرا هنا. يُرجى اختيار صورة من هذا الجهاز بدلًا من ذلك.
capture-camera-denied = رُفض الوصول إلى الكاميرا. يمكنك السماح به من إعدادات المتصفح، أو اختيار صورة من هذا الجهاز.
capture-preview = صورتك

problem-heading = يُرجى التقاط هذه الصورة مرة أخرى
problem-too-small = الصورة صغيرة جدًا. اقترب أكثر أو استخدم كاميرا أفضل.
problem-blurry = الصورة غير واضحة. ثبّت الكاميرا وتأكد من وضوح الوثيقة.
problem-glare = يظهر لمعان على الصورة. أمِل الوثيقة أو ابتعد عن الضوء المباشر.
problem-unreadable = لا يمكن استخدام هذا الملف. يُرجى إرسال صورة بصيغة JPEG أو PNG أو WebP لا يتجاوز حجمها 2 ميغابايت.
problem-missing = يُرجى إضافة صورة قبل المتابعة.

review-heading = راجع صورك
review-intro = تأكد من أن كل صورة واضحة وأن الوثيقة ظاهرة بالكامل.
review-submit = إرسال للتحقق
review-retake = إعادة التقاط { $side }
side-FRONT = الوجه الأمامي
side-BACK = الوجه الخلفي
side-FACE = صورة السيلفي

waiting-heading = جارٍ التحقق من وثيقتك
waiting-body = يستغرق ذلك عادةً أقل من دقيقة. يُرجى إبقاء هذه الصفحة مفتوحة.

result-APPROVED-heading = تم التحقق بنجاح
result-APPROVED-body = تم تأكيد هويتك.
result-FAILED-heading = لم ينجح التحقق من هويتك
result-FAILED-body = لم نتمكن من تأكيد هويتك.
result-WAITING-heading = شكرًا لك، تم إرسال طلب التحقق
result-WAITING-body = سيراجعه أحد المختصين، وسيتم إبلاغ { $partner } بالنتيجة.
result-UNVERIFIED-heading = لم يكتمل التحقق
result-UNVERIFIED-body = أُلغي التحقق أو لم يكتمل في الوقت المحدد.
result-continue = المتابعة إلى { $partner }

cancel-heading = هل تريد إلغاء التحقق؟
cancel-body = لن يتم فحص صورك، وسيتوقف هذا الرابط عن العمل.
cancel-confirm = نعم، إلغاء
cancel-keep = لا، متابعة التحقق

invalid-heading = هذا الرابط لم يعد صالحًا
invalid-body = رابط التحقق غير معروف، أو سبق استخدامه، أو انتهت صلاحيته. يُرجى طلب رابط جديد من المكان الذي بدأت منه.

sandbox-heading = لوحة الاختبار (في البيئة التجريبية فقط)
sandbox-body = هذا الشريك في بيئة DEV. أكمل التحقق بنتيجة تختارها، دون وثائق حقيقية.

retry-heading = يُرجى المحاولة مرة أخرى
retry-attempts-left = { $left ->
    [zero] لم تتبقَّ لديك أي محاولة.
    [one] لديك محاولة واحدة أخرى.
    [two] لديك محاولتان أخريان.
    [few] لديك { $left } محاولات أخرى.
    [many] لديك { $left } محاولة أخرى.
   *[other] لديك { $left } محاولة أخرى.
}
retry-button = إعادة المحاولة
reason-expired = انتهت صلاحية الوثيقة. يُرجى استخدام وثيقة سارية المفعول.
reason-unreadable = لم نتمكن من قراءة المنطقة المقروءة آليًا (أسطر الحروف والرموز { "\u200E" }<<<{ "\u200E" } على الوثيقة). صوّر الوثيقة كاملةً، مسطّحة وواضحة.
reason-blurry = كانت صورة الوثيقة غير واضحة. ثبّت الكاميرا وتأكد من وضوح الوثيقة.
reason-glare = ظهر لمعان على الوثيقة. أمِلها أو ابتعد عن الضوء المباشر.
reason-mismatch = لا تتطابق الوثيقة مع النوع أو البلد الذي اخترته.
reason-invalid = لم تجتز بيانات الوثيقة عمليات التحقق. يُرجى استخدام وثيقة أخرى.
reason-other = لم نتمكن من التحقق من الوثيقة. يُرجى التقاط الصور مرة أخرى.

handoff-link = استخدم هاتفك بدلًا من ذلك
handoff-heading = تابع على هاتفك
handoff-body = امسح هذا الرمز بكاميرا هاتفك، أو افتح الرابط أدناه على هاتفك. تتابع هذه الصفحة التقدّم وتعرض النتيجة عند انتهائك.
handoff-copy = رابط لهاتفك

check-again = التحقق مجددًا

problem-too-many = أُرسل عدد كبير جدًا من الصور خلال وقت قصير. يُرجى الانتظار بضع دقائق ثم المحاولة مرة أخرى.

problem-no-document = لا تظهر أي وثيقة في الصورة. ضع الوثيقة كاملةً داخل الإطار، على خلفية بلون واحد.
problem-no-face = لا يظهر أي وجه في الصورة. انظر مباشرة إلى الكاميرا، مع إبقاء وجهك كاملًا داخل الإطار وفي إضاءة جيدة.

# Hand-off by short link or typed code ({ $link } is "host/h").
handoff-short-intro = لا يمكنك قراءة رمز QR؟ افتح هذا الرابط القصير على هاتفك:
handoff-code-intro = أو افتح { $link } واكتب هذا الرمز:
handoff-code-valid = { $minutes ->
    [zero] انتهت صلاحية الرابط والرمز.
    [one] يعمل الرابط والرمز مرة واحدة خلال الدقيقة القادمة.
    [two] يعمل الرابط والرمز مرة واحدة خلال الدقيقتين القادمتين.
    [few] يعمل الرابط والرمز مرة واحدة خلال { $minutes } دقائق.
   *[other] يعمل الرابط والرمز مرة واحدة خلال { $minutes } دقيقة.
}
code-heading = تابع على هذا الهاتف
code-label = الرمز الظاهر على شاشتك الأخرى
code-invalid = هذا الرمز لا يعمل. ربما كُتب بشكل خاطئ أو استُخدم من قبل أو انتهت صلاحيته: تحقّق منه، أو افتح صفحة رمز QR مرة أخرى للحصول على رمز جديد.
code-too-many = جُرّبت رموز كثيرة جدًا للتو. يُرجى الانتظار دقيقة ثم المحاولة مرة أخرى.
