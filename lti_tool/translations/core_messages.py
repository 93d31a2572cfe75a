"""Source of the core catalogs (base page, errors, "your data" pages) in nl/uk/de.

Run `python -m lti_tool.translations.core_messages` to regenerate messages.po/.mo beside this file after
changing a string. English msgids are the reference text.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

T: dict[str, dict[str, str]] = {
    "Skip to content": {"nl": "Naar de inhoud", "uk": "Перейти до змісту", "de": "Zum Inhalt springen"},
    "Something needs attention": {"nl": "Er is iets aan de hand", "uk": "Щось потребує уваги", "de": "Etwas erfordert Ihre Aufmerksamkeit"},
    "We could not open this page": {"nl": "We konden deze pagina niet openen", "uk": "Не вдалося відкрити цю сторінку", "de": "Wir konnten diese Seite nicht öffnen"},
    "Reference:": {"nl": "Referentie:", "uk": "Код:", "de": "Referenz:"},
    "Nothing you already saved has been lost.": {
        "nl": "Niets van wat je al had opgeslagen is verloren gegaan.",
        "uk": "Усе, що ви вже зберегли, залишилося на місці.",
        "de": "Nichts, was Sie schon gespeichert haben, ist verloren.",
    },
    "This page does not exist.": {"nl": "Deze pagina bestaat niet.", "uk": "Такої сторінки не існує.", "de": "Diese Seite gibt es nicht."},
    "This address does not accept that kind of request.": {
        "nl": "Dit adres accepteert dit soort verzoek niet.",
        "uk": "Ця адреса не приймає такий запит.",
        "de": "Diese Adresse nimmt diese Art von Anfrage nicht an.",
    },
    "What you sent is too large. Please shorten it and try again.": {
        "nl": "Wat je hebt verstuurd is te groot. Maak het wat korter en probeer het opnieuw.",
        "uk": "Надісланий текст завеликий. Будь ласка, скоротіть його і спробуйте ще раз.",
        "de": "Was Sie gesendet haben, ist zu groß. Bitte kürzen Sie es und versuchen Sie es noch einmal.",
    },
    "The tool cannot reach its database right now. Nothing was saved from this request and nothing you saved before is lost. Please try again in a few minutes.": {
        "nl": "De tool kan zijn database nu niet bereiken. Van dit verzoek is niets opgeslagen en niets van wat je eerder opsloeg is verloren. Probeer het over een paar minuten opnieuw.",
        "uk": "Зараз інструмент не може з'єднатися зі своєю базою даних. Цей запит не збережено, а все, що ви зберегли раніше, на місці. Спробуйте ще раз за кілька хвилин.",
        "de": "Das Tool erreicht seine Datenbank gerade nicht. Aus dieser Anfrage wurde nichts gespeichert, und nichts, was Sie vorher gespeichert haben, ist verloren. Bitte versuchen Sie es in ein paar Minuten noch einmal.",
    },
    "Too many attempts in a short time. Please wait a minute and open the activity again.": {
        "nl": "Te veel pogingen in korte tijd. Wacht een minuutje en open de activiteit opnieuw.",
        "uk": "Забагато спроб за короткий час. Зачекайте хвилину і відкрийте активність знову.",
        "de": "Zu viele Versuche in kurzer Zeit. Bitte warten Sie eine Minute und öffnen Sie die Aktivität erneut.",
    },
    "This launch was already used or has expired. Please open the activity again from your course.": {
        "nl": "Deze link is al gebruikt of verlopen. Open de activiteit opnieuw vanuit je cursus.",
        "uk": "Це посилання вже використано або його термін минув. Відкрийте активність знову зі свого курсу.",
        "de": "Dieser Aufruf wurde schon verwendet oder ist abgelaufen. Bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "This launch has expired. Please open the activity again from your course.": {
        "nl": "Deze link is verlopen. Open de activiteit opnieuw vanuit je cursus.",
        "uk": "Термін дії посилання минув. Відкрийте активність знову зі свого курсу.",
        "de": "Dieser Aufruf ist abgelaufen. Bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "This launch was not started in this browser. Open the activity from your course.": {
        "nl": "Deze link is niet in deze browser gestart. Open de activiteit vanuit je cursus.",
        "uk": "Це посилання відкрито не в цьому браузері. Відкрийте активність зі свого курсу.",
        "de": "Dieser Aufruf wurde nicht in diesem Browser begonnen. Öffnen Sie die Aktivität aus Ihrem Kurs.",
    },
    "We could not find your session. Please open the activity again from your course.": {
        "nl": "We konden je sessie niet vinden. Open de activiteit opnieuw vanuit je cursus.",
        "uk": "Не вдалося знайти ваш сеанс. Відкрийте активність знову зі свого курсу.",
        "de": "Wir konnten Ihre Sitzung nicht finden. Bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "Your session has ended. Anything you saved is kept — please open the activity again from your course.": {
        "nl": "Je sessie is afgelopen. Alles wat je hebt opgeslagen blijft bewaard — open de activiteit opnieuw vanuit je cursus.",
        "uk": "Ваш сеанс завершився. Усе збережене залишається — відкрийте активність знову зі свого курсу.",
        "de": "Ihre Sitzung ist beendet. Alles Gespeicherte bleibt erhalten – bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "This page is for the course's facilitators.": {
        "nl": "Deze pagina is voor de begeleiders van de cursus.",
        "uk": "Ця сторінка призначена для фасилітаторів курсу.",
        "de": "Diese Seite ist für die Moderation des Kurses.",
    },
    "Your data": {"nl": "Jouw gegevens", "uk": "Ваші дані", "de": "Ihre Daten"},
    "Everything you write here belongs to you. You can take a copy with you or erase it at any time.": {
        "nl": "Alles wat je hier schrijft is van jou. Je kunt er altijd een kopie van meenemen of het wissen.",
        "uk": "Усе, що ви тут пишете, належить вам. Ви будь-коли можете завантажити копію або все стерти.",
        "de": "Alles, was Sie hier schreiben, gehört Ihnen. Sie können jederzeit eine Kopie mitnehmen oder alles löschen.",
    },
    "Download a copy": {"nl": "Een kopie downloaden", "uk": "Завантажити копію", "de": "Eine Kopie herunterladen"},
    "Download everything (JSON)": {"nl": "Alles downloaden (JSON)", "uk": "Завантажити все (JSON)", "de": "Alles herunterladen (JSON)"},
    "Erase everything": {"nl": "Alles wissen", "uk": "Стерти все", "de": "Alles löschen"},
    "This deletes all your entries, notes, plans, answers and progress in every course that uses this tool on this platform. It cannot be undone. Grades already sent to your course stay in the course's gradebook.": {
        "nl": "Hiermee wis je al je notities, aantekeningen, plannen, antwoorden en voortgang in elke cursus op dit platform die deze tool gebruikt. Dit kan niet ongedaan worden gemaakt. Cijfers die al naar je cursus zijn gestuurd, blijven in het cijferoverzicht van de cursus staan.",
        "uk": "Це видалить усі ваші записи, нотатки, плани, відповіді та поступ у кожному курсі на цій платформі, що використовує цей інструмент. Скасувати це неможливо. Оцінки, вже надіслані до курсу, залишаться в журналі оцінок курсу.",
        "de": "Damit löschen Sie alle Ihre Einträge, Notizen, Pläne, Antworten und Ihren Fortschritt in jedem Kurs auf dieser Plattform, der dieses Tool nutzt. Das lässt sich nicht rückgängig machen. Bewertungen, die schon an Ihren Kurs gesendet wurden, bleiben in der Bewertungsübersicht des Kurses.",
    },
    # The confirmation word: the label below and the refusal name the same word ("ERASE" always works too).
    "ERASE": {"nl": "WISSEN", "uk": "СТЕРТИ", "de": "LÖSCHEN"},
    "Type ERASE to confirm": {"nl": "Typ WISSEN om te bevestigen", "uk": "Введіть СТЕРТИ, щоб підтвердити", "de": "Geben Sie zur Bestätigung LÖSCHEN ein"},
    "Erase all my data": {"nl": "Al mijn gegevens wissen", "uk": "Стерти всі мої дані", "de": "Alle meine Daten löschen"},
    "To erase everything, type %(word)s in the box and press the button. Nothing has been erased yet.": {
        "nl": "Typ %(word)s in het vak en druk op de knop om alles te wissen. Er is nog niets gewist.",
        "uk": "Щоб стерти все, введіть %(word)s у поле і натисніть кнопку. Поки що нічого не стерто.",
        "de": "Um alles zu löschen, geben Sie %(word)s in das Feld ein und drücken Sie die Schaltfläche. Noch wurde nichts gelöscht.",
    },
    "Your data has been erased": {"nl": "Je gegevens zijn gewist", "uk": "Ваші дані стерто", "de": "Ihre Daten wurden gelöscht"},
    "Nothing you wrote is stored by this tool any more. If you open the activity again from your course, you start with an empty page.": {
        "nl": "Deze tool bewaart niets meer van wat je hebt geschreven. Als je de activiteit opnieuw opent vanuit je cursus, begin je met een lege pagina.",
        "uk": "Цей інструмент більше не зберігає нічого з написаного вами. Якщо ви знову відкриєте активність зі свого курсу, почнете з чистої сторінки.",
        "de": "Dieses Tool speichert nichts mehr von dem, was Sie geschrieben haben. Wenn Sie die Aktivität erneut aus Ihrem Kurs öffnen, beginnen Sie mit einer leeren Seite.",
    },
    "Opening…": {"nl": "Bezig met openen…", "uk": "Відкриваємо…", "de": "Wird geöffnet…"},
    "Opening your activity…": {"nl": "Je activiteit wordt geopend…", "uk": "Відкриваємо вашу активність…", "de": "Ihre Aktivität wird geöffnet…"},
    "Continue": {"nl": "Doorgaan", "uk": "Продовжити", "de": "Weiter"},
    "Your browser needs JavaScript to confirm this launch, or allow cookies for this site.": {
        "nl": "Je browser heeft JavaScript nodig om deze start te bevestigen, of sta cookies toe voor deze site.",
        "uk": "Щоб підтвердити відкриття, у браузері має бути ввімкнено JavaScript або дозволено cookie для цього сайту.",
        "de": "Ihr Browser braucht JavaScript, um diesen Start zu bestätigen. Alternativ können Sie Cookies für diese Website erlauben.",
    },
    "This launch has not been confirmed by your browser. Please open the activity again from your course.": {
        "nl": "Je browser heeft deze start niet bevestigd. Open de activiteit opnieuw vanuit je cursus.",
        "uk": "Ваш браузер не підтвердив відкриття. Відкрийте активність знову зі свого курсу.",
        "de": "Ihr Browser hat diesen Start nicht bestätigt. Bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "Everything stored about you: download a copy or erase it": {
        "nl": "Alles wat over jou is opgeslagen: download een kopie of wis het",
        "uk": "Усе, що збережено про вас: завантажити копію або стерти",
        "de": "Alles, was über Sie gespeichert ist: eine Kopie herunterladen oder löschen",
    },
    "Mentor–mentee pairing": {"nl": "Mentor–mentee-koppeling", "uk": "Пари ментор–менті", "de": "Mentoring-Paare bilden"},
    "Grades sent to the course": {"nl": "Cijfers naar de cursus gestuurd", "uk": "Оцінки, надіслані до курсу", "de": "An den Kurs gesendete Bewertungen"},
    # Form validation (lti_tool/web/forms.py)
    "this field": {"nl": "dit veld", "uk": "це поле", "de": "dieses Feld"},
    "Please check “%(field)s”: this value cannot be used here. Nothing has been saved.": {
        "nl": "Controleer „%(field)s”: deze waarde kan hier niet worden gebruikt. Er is niets opgeslagen.",
        "uk": "Перевірте «%(field)s»: це значення тут не можна використати. Нічого не збережено.",
        "de": "Bitte prüfen Sie „%(field)s“: Dieser Wert kann hier nicht verwendet werden. Es wurde nichts gespeichert.",
    },
    "“%(field)s” is missing from the form. Please reload the page and try again — nothing has been saved.": {
        "nl": "„%(field)s” ontbreekt in het formulier. Laad de pagina opnieuw en probeer het nog eens — er is niets opgeslagen.",
        "uk": "У формі бракує поля «%(field)s». Перезавантажте сторінку і спробуйте ще раз — нічого не збережено.",
        "de": "„%(field)s“ fehlt im Formular. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal – es wurde nichts gespeichert.",
    },
    "Please give “%(field)s” as a whole number from %(low)d to %(high)d. Nothing has been saved.": {
        "nl": "Vul bij „%(field)s” een heel getal van %(low)d tot en met %(high)d in. Er is niets opgeslagen.",
        "uk": "Вкажіть у полі «%(field)s» ціле число від %(low)d до %(high)d. Нічого не збережено.",
        "de": "Bitte geben Sie bei „%(field)s“ eine ganze Zahl von %(low)d bis %(high)d an. Es wurde nichts gespeichert.",
    },
    "Please give “%(field)s” as a date (for example 2026-03-31). Nothing has been saved.": {
        "nl": "Vul bij „%(field)s” een datum in (bijvoorbeeld 2026-03-31). Er is niets opgeslagen.",
        "uk": "Вкажіть у полі «%(field)s» дату (наприклад, 2026-03-31). Нічого не збережено.",
        "de": "Bitte geben Sie bei „%(field)s“ ein Datum an (zum Beispiel 2026-03-31). Es wurde nichts gespeichert.",
    },
    "Please choose one of the options offered for “%(field)s”. Nothing has been saved.": {
        "nl": "Kies bij „%(field)s” een van de aangeboden mogelijkheden. Er is niets opgeslagen.",
        "uk": "Оберіть для «%(field)s» один із запропонованих варіантів. Нічого не збережено.",
        "de": "Bitte wählen Sie bei „%(field)s“ eine der angebotenen Möglichkeiten. Es wurde nichts gespeichert.",
    },
    "What you sent is not a form this page understands. Please reload the page and try again.": {
        "nl": "Wat je hebt verstuurd is geen formulier dat deze pagina begrijpt. Laad de pagina opnieuw en probeer het nog eens.",
        "uk": "Надіслане не є формою, яку розуміє ця сторінка. Перезавантажте сторінку і спробуйте ще раз.",
        "de": "Was Sie gesendet haben, ist kein Formular, das diese Seite versteht. Bitte laden Sie die Seite neu und versuchen Sie es noch einmal.",
    },
    "Please check the form and try again. Nothing has been saved.": {
        "nl": "Controleer het formulier en probeer het opnieuw. Er is niets opgeslagen.",
        "uk": "Перевірте форму і спробуйте ще раз. Нічого не збережено.",
        "de": "Bitte prüfen Sie das Formular und versuchen Sie es noch einmal. Es wurde nichts gespeichert.",
    },
    "Your answer": {"nl": "Je antwoord", "uk": "Ваша відповідь", "de": "Ihre Antwort"},
    "request": {"nl": "verzoek", "uk": "запит", "de": "Anfrage"},
    "Your session ended after a while without activity. Anything you saved is kept — please open the activity again from your course.": {
        "nl": "Je sessie is beëindigd omdat er een tijd niets gebeurde. Alles wat je hebt opgeslagen blijft bewaard — open de activiteit opnieuw vanuit je cursus.",
        "uk": "Ваш сеанс завершився, бо якийсь час не було активності. Усе збережене залишилося — відкрийте активність ще раз зі свого курсу.",
        "de": "Ihre Sitzung wurde nach einer Weile ohne Aktivität beendet. Alles Gespeicherte bleibt erhalten – bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "This page belongs to a session opened in another browser, so it cannot be opened from a copied address. Please open the activity again from your course.": {
        "nl": "Deze pagina hoort bij een sessie die in een andere browser is geopend en kan daarom niet via een gekopieerd adres worden geopend. Open de activiteit opnieuw vanuit je cursus.",
        "uk": "Ця сторінка належить до сеансу, відкритого в іншому браузері, тому її не можна відкрити за скопійованою адресою. Відкрийте активність ще раз зі свого курсу.",
        "de": "Diese Seite gehört zu einer Sitzung, die in einem anderen Browser geöffnet wurde, und lässt sich daher nicht über eine kopierte Adresse öffnen. Bitte öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "You have left": {"nl": "Je bent vertrokken", "uk": "Ви вийшли", "de": "Sie haben die Sitzung verlassen"},
    "Your session on this computer has ended: this page and its address open nothing any more. Everything you saved is kept.": {
        "nl": "Je sessie op deze computer is beëindigd: deze pagina en haar adres openen niets meer. Alles wat je hebt opgeslagen blijft bewaard.",
        "uk": "Ваш сеанс на цьому комп'ютері завершено: ця сторінка та її адреса більше нічого не відкривають. Усе збережене залишилося.",
        "de": "Ihre Sitzung auf diesem Computer ist beendet: Diese Seite und ihre Adresse öffnen nichts mehr. Alles Gespeicherte bleibt erhalten.",
    },
    "To continue, open the activity again from your course.": {
        "nl": "Om verder te gaan open je de activiteit opnieuw vanuit je cursus.",
        "uk": "Щоб продовжити, відкрийте активність ще раз зі свого курсу.",
        "de": "Um weiterzumachen, öffnen Sie die Aktivität erneut aus Ihrem Kurs.",
    },
    "Leave": {"nl": "Afmelden", "uk": "Вийти", "de": "Verlassen"},
    "End this session on this computer": {
        "nl": "Deze sessie op deze computer beëindigen",
        "uk": "Завершити цей сеанс на цьому комп'ютері",
        "de": "Diese Sitzung auf diesem Computer beenden",
    },
    "This request cannot be handled. Please go back and try again.": {
        "nl": "Dit verzoek kan niet worden verwerkt. Ga terug en probeer het opnieuw.",
        "uk": "Цей запит не вдається обробити. Поверніться назад і спробуйте ще раз.",
        "de": "Diese Anfrage kann nicht bearbeitet werden. Bitte gehen Sie zurück und versuchen Sie es noch einmal.",
    },
    "Something went wrong on our side. Nothing you saved before is lost. Please try again in a moment; if it happens again, give your support team the reference below.": {
        "nl": "Er ging bij ons iets mis. Niets van wat je eerder opsloeg is verloren. Probeer het zo opnieuw; gebeurt het nog eens, geef dan de referentie hieronder door aan je ondersteuningsteam.",
        "uk": "Щось пішло не так з нашого боку. Усе, що ви зберегли раніше, на місці. Спробуйте ще раз за хвилину; якщо це повториться, передайте службі підтримки код нижче.",
        "de": "Bei uns ist etwas schiefgegangen. Nichts, was Sie vorher gespeichert haben, ist verloren. Bitte versuchen Sie es gleich noch einmal; passiert es wieder, nennen Sie Ihrem Support-Team die Referenz unten.",
    },
    "Button": {"nl": "Knop", "uk": "Кнопка", "de": "Schaltfläche"},
}


def build(directory: Path = Path(__file__).parent) -> None:
    for lang in ("nl", "uk", "de"):
        catalog = Catalog(locale=lang, domain="messages", project="natalli-lti")
        for msgid, translations in T.items():
            catalog.add(msgid, translations[lang])
        out = directory / lang / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "messages.po", "wb") as po:
            write_po(po, catalog, omit_header=False, width=110)
        with open(out / "messages.mo", "wb") as mo:
            write_mo(mo, catalog)


if __name__ == "__main__":
    build()
