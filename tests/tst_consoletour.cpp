// A tour of the whole console with a realistic day's conversations on every platform: the
// metrics dock's numbers, the settings dialog (canned responses reach the composer, secrets go
// to the keychain or say why not), and screenshots of the main window and every dock in light,
// dark and German.

#include "consolefixture.h"
#include "core/clock.h"
#include "fakes/fakehttpserver.h"
#include "fakes/fakeopenai.h"
#include "ui/cannedresponses.h"
#include "ui/composer.h"
#include "ui/contextpanel.h"
#include "ui/conversationlistmodel.h"
#include "ui/conversationview.h"
#include "ui/draftcard.h"
#include "ui/eventinspector.h"
#include "ui/healthpanel.h"
#include "ui/inboxpanel.h"
#include "ui/mainwindow.h"
#include "ui/messagebubble.h"
#include "ui/metricspanel.h"
#include "ui/queuepanel.h"
#include "ui/settingsdialog.h"
#include "ui/theme.h"
#include "ui/translations.h"

#include <QAction>
#include <QBuffer>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>

using namespace relaydesk;
using namespace relaydesk::ui;

namespace {

QByteArray photoBytes()
{
    // A dented parcel, more or less.
    QImage image(800, 600, QImage::Format_RGB32);
    image.fill(QColor(0xD6, 0xC3, 0xA5));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(QColor(0xB0, 0x8D, 0x5B));
    painter.setPen(QPen(QColor(0x6B, 0x4F, 0x2A), 6));
    painter.drawPolygon(QPolygon({QPoint(180, 180), QPoint(620, 160), QPoint(650, 470),
                                  QPoint(400, 430), QPoint(160, 480)}));
    painter.setPen(QPen(QColor(0xF5, 0xF0, 0xE6), 14));
    painter.drawLine(QPoint(400, 170), QPoint(400, 440));
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "JPG");
    return bytes;
}

} // namespace

class TestConsoleTour : public QObject
{
    Q_OBJECT

private:
    ConsoleFixture m_console;
    FakeHttpServer m_web;
    FakeOpenAi m_openai;
    QByteArray m_photo = photoBytes();
    QString m_lena;
    QString m_pixel;
    QString m_tomasz;
    QString m_lenaQuestion;

    QString post(const QString &user, const QString &text, Platform platform,
                 Priority priority = Priority::Normal, const QList<Attachment> &attachments = {},
                 const QMap<QString, QString> &metadata = {})
    {
        ConsoleFixture::Post message;
        message.user = user;
        message.text = text;
        message.platform = platform;
        message.priority = priority;
        message.attachments = attachments;
        message.metadata = metadata;
        const auto result = m_console.ingest(message);
        if (!result.isOk())
            qWarning("posting failed: %s", qPrintable(result.error().message));
        return result.isOk() ? result.value().conversationId : QString();
    }

    bool patch(const QString &id, const ConversationPatch &patch)
    {
        return ConsoleFixture::await(m_console.engine()->updateConversation(id, patch)).isOk();
    }

    bool approveDraft(const QString &conversationId, const QString &edit = {})
    {
        const QString draft = m_console.waitForDraft(conversationId);
        return !draft.isEmpty() && ConsoleFixture::await(m_console.engine()->approve(
                                                             draft, edit, QStringLiteral("dana")))
                                       .isOk();
    }

    bool reply(const QString &conversationId, const QString &text)
    {
        Message message;
        message.authorKind = AuthorKind::Operator;
        message.authorId = QStringLiteral("dana");
        message.content = text;
        return ConsoleFixture::await(m_console.engine()->reply(conversationId, message)).isOk();
    }

    // Opens the window and the conversation of Lena, waiting until every panel has read it.
    bool openTour(MainWindow &window)
    {
        window.resize(1600, 1000);
        if (!ConsoleFixture::open(window))
            return false;
        window.resize(1600, 1000);
        if (!QTest::qWaitFor([&] { return window.selectConversation(m_lena); },
                             ConsoleFixture::kJobTimeoutMs))
            return false;
        ConversationView *view = window.conversationView();
        return QTest::qWaitFor(
            [&] {
                return view->newestDraftCard() != nullptr && view->bubbles().size() >= 3 &&
                       window.contextPanel()->conversation().id == m_lena;
            },
            ConsoleFixture::kJobTimeoutMs);
    }

    void shootDocks(MainWindow &window, const QString &suffix)
    {
        // The inspector follows a clicked message.
        if (MessageBubble *bubble = window.conversationView()->bubble(m_lenaQuestion)) {
            window.conversationView()->selectMessage(bubble->messageId());
            QTRY_VERIFY(window.eventInspector()->timeline()->topLevelItemCount() > 0);
        }
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("tour-main") + suffix));
        QVERIFY(
            ConsoleFixture::screenshot(window.inboxDock(), QStringLiteral("tour-inbox") + suffix));
        QVERIFY(ConsoleFixture::screenshot(window.contextDock(),
                                           QStringLiteral("tour-context") + suffix));
        // Each tabbed dock on its own, raised and given room.
        for (QDockWidget *dock : {window.queueDock(), window.healthDock(), window.inspectorDock(),
                                  window.metricsDock()}) {
            dock->setFloating(true);
            dock->resize(560, 720);
            dock->show();
            QTest::qWait(100);
            QVERIFY(ConsoleFixture::screenshot(dock, QStringLiteral("tour-") +
                                                         dock->objectName().chopped(4) + suffix));
            dock->setFloating(false);
        }
        window.resetLayout();
    }

private slots:
    void initTestCase()
    {
        m_web.setHandler([this](const RecordedRequest &request) {
            if (request.path.startsWith(QLatin1String("/media/")))
                return FakeResponse{200, {{"content-type", "image/jpeg"}}, m_photo, 0, false, 0, 0};
            return FakeResponse::json(200, "{}");
        });
        m_openai.setReply(QStringLiteral(
            "Hi Lena, thanks for your patience! Order #48213 left our warehouse this morning; "
            "your tracking number is DE7781204455. It should arrive by Thursday."));
        const QString outbound = m_web.url(QStringLiteral("/outbound")).toString();
        const QString openai = m_openai.baseUrl();
        QVERIFY2(m_console.start(
                     QStringLiteral("tst_consoletour"),
                     [outbound, openai](Settings &settings) {
                         settings.webhookEnabled = true;
                         settings.webhookOutboundUrl = outbound;
                         settings.aiChain = {QStringLiteral("openai"), QStringLiteral("offline")};
                         settings.openai.apiKey = QString::fromLatin1(FakeOpenAi::kApiKey);
                         settings.openai.baseUrl = openai;
                         settings.modelPrices.insert(QStringLiteral("gpt-4o-mini-2024-07-18"),
                                                     ModelPrice{0.15, 0.6});
                     }),
                 qPrintable(m_console.errorString()));
        QSettings().setValue(QStringLiteral("Operator/name"), QStringLiteral("dana"));

        // The last hour's traffic on every platform, each message at its own time (the engine
        // reads the clock, which moves forward through the hour) and each draft in its own words.
        const auto at = [](int minutesAgo) {
            Clock::setOffsetForTesting(-qint64(minutesAgo) * 60 * 1000);
        };
        const auto draftSays = [this](const QString &text) { m_openai.setReply(text); };

        at(50);
        draftSays(QStringLiteral("Hi! Yes, our downtown store is open on Sundays from 10:00 to "
                                 "16:00."));
        const QString sms = post(QStringLiteral("+14155550142"),
                                 QStringLiteral("Is the downtown store open on Sunday?"),
                                 Platform::Sms, Priority::Low);
        at(48);
        QVERIFY(approveDraft(sms));

        at(45);
        draftSays(QStringLiteral("Great to hear, Jonas! Let us know if anything else comes up."));
        const QString jonas = post(QStringLiteral("jonas@example.org"),
                                   QStringLiteral("The new password works, thanks for the quick "
                                                  "help!"),
                                   Platform::Email);
        at(43);
        QVERIFY(approveDraft(jonas));
        ConversationPatch resolve;
        resolve.status = ConversationStatus::Resolved;
        QVERIFY(patch(jonas, resolve));

        at(40);
        draftSays(QStringLiteral("Hi Lena, thanks for your patience! Order #48213 left our "
                                 "warehouse this morning; your tracking number is DE7781204455. "
                                 "It should arrive by Thursday."));
        const QMap<QString, QString> lenaIds{
            {QStringLiteral("chat_id"), QStringLiteral("731554210")},
            {QStringLiteral("username"), QStringLiteral("lena_vogel")},
            {QStringLiteral("first_name"), QStringLiteral("Lena")}};
        m_lena = post(QStringLiteral("lena.vogel"),
                      QStringLiteral("Hi! My order #48213 still says \"processing\" after five "
                                     "days. Can you check?"),
                      Platform::Telegram, Priority::High, {}, lenaIds);
        at(38);
        QVERIFY(approveDraft(m_lena));

        at(34);
        draftSays(QStringLiteral("Thanks for reporting this! Could you tell us which browser you "
                                 "used?"));
        const QString marco = post(QStringLiteral("@marco_builds"),
                                   QStringLiteral("Your checkout page throws a 500 when I pay "
                                                  "with Apple Pay. Tried twice."),
                                   Platform::Twitter);
        at(31);
        const QString marcoDraft = m_console.waitForDraft(marco);
        QVERIFY(!marcoDraft.isEmpty());
        QVERIFY(ConsoleFixture::await(
                    m_console.engine()->reject(marcoDraft,
                                               QStringLiteral("known incident, answered by hand"),
                                               QStringLiteral("dana")))
                    .isOk());
        QVERIFY(reply(marco, QStringLiteral("Sorry about that, Marco! We found the bug and a fix "
                                            "is going out within the hour.")));

        at(28);
        draftSays(QStringLiteral("Thanks for the heads-up! We are restarting the support bot now "
                                 "and will confirm here once /ticket works again."));
        m_pixel = post(QStringLiteral("pixelpirate#4410"),
                       QStringLiteral("The bot in #support stopped answering /ticket since this "
                                      "morning. Whole server is affected."),
                       Platform::Discord, Priority::Urgent);
        ConversationPatch pixel;
        pixel.labels = QStringList{QStringLiteral("bug"), QStringLiteral("bot")};
        pixel.assignee = QStringLiteral("dana");
        QVERIFY(patch(m_pixel, pixel));
        QVERIFY(!m_console.waitForDraft(m_pixel).isEmpty());

        at(24);
        draftSays(QStringLiteral("Dear Priya, we will reissue invoice INV-2291 with your VAT "
                                 "number and send it to you today."));
        const QString priya = post(QStringLiteral("priya.sharma@example.com"),
                                   QStringLiteral("Invoice INV-2291 is missing our VAT number "
                                                  "(DE 298 114 557). Could you reissue it?"),
                                   Platform::Email);
        ConversationPatch billing;
        billing.labels = QStringList{QStringLiteral("billing")};
        billing.status = ConversationStatus::Pending;
        QVERIFY(patch(priya, billing));
        QVERIFY(!m_console.waitForDraft(priya).isEmpty());

        at(20);
        draftSays(QStringLiteral("We are so sorry your parcel arrived damaged! A replacement is on "
                                 "its way at no cost."));
        const QString mms =
            post(QStringLiteral("+16285550199"), QStringLiteral("Box arrived like this :("),
                 Platform::Mms, Priority::High,
                 {Attachment{m_web.url(QStringLiteral("/media/parcel.jpg")).toString(),
                             QStringLiteral("image/jpeg")}});
        QVERIFY(!m_console.waitForDraft(mms).isEmpty());

        at(16);
        draftSays(QStringLiteral("Done: order 9917 now ships to 12 Harbour Street."));
        const QString shop =
            post(QStringLiteral("shop-42"),
                 QStringLiteral("Customer asks to change the delivery address of order 9917 to 12 "
                                "Harbour Street."),
                 Platform::Webhook);
        QVERIFY(!m_console.waitForDraft(shop).isEmpty());

        // A card number: moderation holds the conversation for a person.
        at(11);
        draftSays(QStringLiteral("Thanks! Please never share card numbers in chat; use the secure "
                                 "upgrade page instead."));
        m_tomasz = post(QStringLiteral("tomasz.k"),
                        QStringLiteral("Please charge my card 4111 1111 1111 1111 for the upgrade"),
                        Platform::Telegram, Priority::Normal);

        // The receiving end refuses one reply for good: a dead letter.
        at(8);
        draftSays(QStringLiteral("Of course! Annual plans can be refunded within 30 days; I have "
                                 "started the refund for you."));
        const QString refused =
            post(QStringLiteral("nightowl#0001"),
                 QStringLiteral("Can I get a refund for the annual plan?"), Platform::Discord);
        at(7);
        m_web.queueResponse(FakeResponse::json(410, R"({"error":"recipient left the server"})"));
        QVERIFY(approveDraft(refused));

        // Lena follows up; her conversation has history and a fresh draft.
        at(4);
        draftSays(QStringLiteral("Of course! What is your work address? I will send the invoice "
                                 "there right away."));
        ConsoleFixture::Post followUp;
        followUp.user = QStringLiteral("lena.vogel");
        followUp.text =
            QStringLiteral("Thanks! Could you also send the invoice to my work address?");
        followUp.platform = Platform::Telegram;
        followUp.priority = Priority::High;
        followUp.metadata = lenaIds;
        const auto asked = m_console.ingest(followUp);
        QVERIFY(asked.isOk());
        QCOMPARE(asked.value().conversationId, m_lena);
        m_lenaQuestion = asked.value().messageId;
        ConversationPatch lena;
        lena.labels = QStringList{QStringLiteral("orders"), QStringLiteral("vip")};
        QVERIFY(patch(m_lena, lena));
        QVERIFY(!m_console.waitForDraft(m_lena).isEmpty());
        at(0);
    }

    void cleanupTestCase() { m_console.stop(); }

    void metricsCountTheDay()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        MetricsPanel *metrics = window.metricsPanel();
        metrics->reload();
        QTRY_VERIFY(!metrics->isLoading() && metrics->series().inboundTotal >= 11);
        const MetricsPanel::Series &series = metrics->series();
        QCOMPARE(series.bucketStarts.size(), 12);
        for (Platform platform : {Platform::Telegram, Platform::Discord, Platform::Twitter,
                                  Platform::Sms, Platform::Mms, Platform::Email, Platform::Webhook})
            QVERIFY2(series.inboundByPlatform.contains(platform), qPrintable(toString(platform)));
        int drafts = 0;
        int approvals = 0;
        int overrides = 0;
        for (int i = 0; i < series.drafts.size(); ++i) {
            drafts += series.drafts.at(i);
            approvals += series.approvals.at(i);
            overrides += series.overrides.at(i);
        }
        QVERIFY(drafts >= 4);
        QVERIFY(approvals >= 3);
        // Two hand-written replies.
        QVERIFY(overrides >= 2);
        QVERIFY(series.medianFirstResponseMinutes >= 0);
        QVERIFY(metrics->summaryText().contains(QStringLiteral("customer messages")));
        metrics->setRange(MetricsPanel::Range::Day);
        QTRY_VERIFY(!metrics->isLoading() && metrics->series().bucketStarts.size() == 24);
        QCOMPARE(metrics->series().inboundTotal, series.inboundTotal);
    }

    void settingsDialogAppliesCannedResponsesAndGuardsSecrets()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        window.findChild<QAction *>(QStringLiteral("settingsAction"))->trigger();
        SettingsDialog *dialog = nullptr;
        QTRY_VERIFY((dialog = window.findChild<SettingsDialog *>()) && dialog->isVisible());
        dialog->operatorEdit()->setText(QStringLiteral("Dana Scully"));
        dialog->addCannedResponse(QStringLiteral("Tracking"),
                                  QStringLiteral("You can follow your parcel here: "
                                                 "https://track.example.com"));
        dialog->addCannedResponse(QStringLiteral("vat"),
                                  QStringLiteral("We reissued the invoice with your VAT number."));
        QVERIFY(ConsoleFixture::screenshot(dialog, QStringLiteral("dialog-settings")));

        // Secrets: the keychain takes them, or (as on this headless machine) the dialog says
        // why not and points to the alternatives; nothing lands in the settings file.
        dialog->tabs()->setCurrentIndex(2);
        QLineEdit *key = dialog->secretEdit(QStringLiteral("ai.anthropic.api_key"));
        QVERIFY(key && key->echoMode() == QLineEdit::Password);
        key->setText(QStringLiteral("sk-ant-test-0000"));
        dialog->saveSecretsButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isSavingSecrets(), 60000);
        const QString status = dialog->secretStatus()->text();
        QVERIFY2(status == QStringLiteral("Stored in the system keychain.") ||
                     status.startsWith(QStringLiteral("No system keychain is available")),
                 qPrintable(status));
        QVERIFY(ConsoleFixture::screenshot(dialog, QStringLiteral("dialog-settings-secrets")));
        QSettings().sync();
        QFile settingsFile(QSettings().fileName());
        QVERIFY(settingsFile.open(QIODevice::ReadOnly));
        QVERIFY(!settingsFile.readAll().contains("sk-ant-test-0000"));

        dialog->accept();
        QCOMPARE(window.operatorName(), QStringLiteral("Dana Scully"));
        QCOMPARE(window.conversationView()->operatorName(), QStringLiteral("Dana Scully"));
        const auto responses = CannedResponses::load();
        QVERIFY(CannedResponses::find(responses, QStringLiteral("tracking")).has_value());
        QVERIFY(window.conversationView()->composerWidget()->completer() != nullptr);
        QTRY_VERIFY(window.selectConversation(m_lena));
        QTRY_VERIFY(window.conversationView()->composer()->isEnabled());
        window.conversationView()->composer()->setFocus();
        QTest::keyClicks(window.conversationView()->composer(), QStringLiteral("/vat"));
        QVERIFY(window.conversationView()->composerWidget()->insertCannedResponse(
            QStringLiteral("vat")));
        QCOMPARE(window.conversationView()->composer()->toPlainText(),
                 QStringLiteral("We reissued the invoice with your VAT number."));
        QSettings().setValue(QStringLiteral("Operator/name"), QStringLiteral("dana"));
    }

    void lightTour()
    {
        MainWindow window(m_console.engine());
        QVERIFY(openTour(window));
        window.setApiAddress(QStringLiteral("http://127.0.0.1:3030"));
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("tour-overview")));
        shootDocks(window, QString());
        // The flagged conversation shows why it is held.
        QVERIFY(window.selectConversation(m_tomasz));
        QTRY_VERIFY(window.contextPanel()->conversation().id == m_tomasz);
        QTRY_VERIFY(window.contextPanel()->conversation().flagged);
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("tour-flagged")));
    }

    void darkTour()
    {
        QSettings().setValue(QStringLiteral("Appearance/theme"), QStringLiteral("dark"));
        {
            MainWindow window(m_console.engine());
            QVERIFY(Theme::isDark());
            QVERIFY(openTour(window));
            shootDocks(window, QStringLiteral("-dark"));
        }
        QSettings().remove(QStringLiteral("Appearance/theme"));
        Theme::applyToApplication(false);
        QVERIFY(!Theme::isDark());
    }

    void germanTour()
    {
        QVERIFY(installTranslations(qApp, QLocale(QLocale::German, QLocale::Germany)));
        {
            MainWindow window(m_console.engine());
            QVERIFY(openTour(window));
            QCOMPARE(window.contextDock()->windowTitle(), QStringLiteral("Kontext"));
            QCOMPARE(window.queueDock()->windowTitle(), QStringLiteral("Warteschlange"));
            QCOMPARE(window.inboxPanel()->sortOrder()->currentText(),
                     QStringLiteral("Am längsten wartend"));
            QCOMPARE(window.conversationView()
                         ->newestDraftCard()
                         ->findChild<QPushButton *>(QStringLiteral("approveButton"))
                         ->text(),
                     QStringLiteral("Freigeben und senden"));
            shootDocks(window, QStringLiteral("-de"));
        }
        installTranslations(qApp, QLocale(QLocale::English, QLocale::UnitedStates));
    }
};

QTEST_MAIN(TestConsoleTour)
#include "tst_consoletour.moc"
