// The conversation view against a real engine: delivery failures with their reason and a
// working Retry, image thumbnails fetched over HTTP, older messages loaded on scroll up, the
// AI draft streaming in from a provider, and the composer's length counter and canned
// responses.

#include "consolefixture.h"
#include "fakes/fakehttpserver.h"
#include "fakes/fakeopenai.h"
#include "ui/cannedresponses.h"
#include "ui/composer.h"
#include "ui/conversationview.h"
#include "ui/draftcard.h"
#include "ui/mainwindow.h"
#include "ui/messagebubble.h"

#include <QAbstractItemView>
#include <QBuffer>
#include <QCompleter>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QToolButton>

using namespace relaydesk;
using namespace relaydesk::ui;

namespace {

QByteArray pngBytes(const QColor &color)
{
    QImage image(640, 420, QImage::Format_RGB32);
    image.fill(color);
    QPainter painter(&image);
    painter.setPen(QPen(Qt::white, 12));
    painter.drawEllipse(QRect(200, 90, 240, 240));
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

} // namespace

class TestConversationView : public QObject
{
    Q_OBJECT

private:
    ConsoleFixture m_console;
    // Stands in for the customer's CDN (images) and for the generic webhook channel (sends).
    FakeHttpServer m_web;
    FakeOpenAi m_openai;
    QByteArray m_png = pngBytes(QColor(0x25, 0x63, 0xEB));

    MessageBubble *waitForBubble(ConversationView *view, const QString &messageId)
    {
        if (!QTest::qWaitFor([&] { return view->bubble(messageId) != nullptr; },
                             ConsoleFixture::kJobTimeoutMs))
            return nullptr;
        return view->bubble(messageId);
    }

    int sendsReceived() const
    {
        int sends = 0;
        for (const RecordedRequest &request : m_web.requests())
            sends += request.path == QLatin1String("/outbound") ? 1 : 0;
        return sends;
    }

private slots:
    void initTestCase()
    {
        m_web.setHandler([this](const RecordedRequest &request) {
            if (request.path == QLatin1String("/media/parcel.png"))
                return FakeResponse{200, {{"content-type", "image/png"}}, m_png, 0, false, 0, 0};
            if (request.path == QLatin1String("/media/broken.png"))
                return FakeResponse::text(404, "gone");
            return FakeResponse::json(200, "{}");
        });
        m_openai.setReply(QStringLiteral("Hi! Your parcel left our warehouse this morning and "
                                         "should arrive tomorrow."));
        // Slow enough that the view sees the draft grow.
        m_openai.setStreamChunking(64, 40);
        const QString outbound = m_web.url(QStringLiteral("/outbound")).toString();
        const QString openai = m_openai.baseUrl();
        QVERIFY2(m_console.start(
                     QStringLiteral("tst_conversationview"),
                     [outbound, openai](Settings &settings) {
                         settings.webhookEnabled = true;
                         settings.webhookOutboundUrl = outbound;
                         settings.aiChain = {QStringLiteral("openai"), QStringLiteral("offline")};
                         settings.openai.apiKey = QString::fromLatin1(FakeOpenAi::kApiKey);
                         settings.openai.baseUrl = openai;
                     }),
                 qPrintable(m_console.errorString()));
    }

    void init() { QSettings().clear(); }
    void cleanupTestCase() { m_console.stop(); }

    void draftStreamsInThenWaitsForReview()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationView *view = window.conversationView();
        const auto posted =
            m_console.ingest(QStringLiteral("nora"), QStringLiteral("Has my parcel shipped yet?"));
        QVERIFY(posted.isOk());
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        // Part of the reply shows while the provider is still writing.
        QTRY_VERIFY_WITH_TIMEOUT(!view->streamingText().isEmpty(), ConsoleFixture::kJobTimeoutMs);
        QVERIFY(view->streamingCard()->isVisible());
        QVERIFY(QStringLiteral("Hi! Your parcel left our warehouse this morning and should arrive "
                               "tomorrow.")
                    .startsWith(view->streamingText()));
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("view-streaming")));
        QTRY_VERIFY_WITH_TIMEOUT(view->newestDraftCard() != nullptr, ConsoleFixture::kJobTimeoutMs);
        QTRY_VERIFY(view->streamingCard()->isHidden());
        DraftCard *card = view->newestDraftCard();
        QVERIFY(card->editorText().contains(QStringLiteral("warehouse")));
        auto *meta = card->findChild<QLabel *>(QStringLiteral("draftMeta"));
        QVERIFY(meta && meta->text().contains(QStringLiteral("openai")));
    }

    void failedDeliveryShowsTheReasonAndRetries()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationView *view = window.conversationView();
        const auto posted = m_console.ingest(QStringLiteral("omar"),
                                             QStringLiteral("Can I change my delivery address?"),
                                             Platform::Discord);
        QVERIFY(posted.isOk());
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        QTRY_VERIFY_WITH_TIMEOUT(view->newestDraftCard() != nullptr, ConsoleFixture::kJobTimeoutMs);
        // The receiving end refuses the first send for good (a client error does not heal).
        m_web.queueResponse(
            FakeResponse::json(422, R"({"error":"recipient has blocked the bot"})"));
        const int sendsBefore = sendsReceived();
        const QString draftId = view->newestDraftCard()->messageId();
        QVERIFY(view->approveNewestDraft());
        MessageBubble *sent = waitForBubble(view, draftId);
        QVERIFY(sent);
        QTRY_COMPARE_WITH_TIMEOUT(sent->state(), QStringLiteral("dead_lettered"),
                                  ConsoleFixture::kJobTimeoutMs);
        QTRY_VERIFY(!sent->retryJobId().isEmpty());
        QVERIFY2(sent->stateDetail().startsWith(QStringLiteral("Delivery failed:")),
                 qPrintable(sent->stateDetail()));
        QVERIFY2(sent->stateDetail().contains(QStringLiteral("422")),
                 qPrintable(sent->stateDetail()));
        QVERIFY(sent->retryButton()->isVisible());
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("view-delivery-failed")));

        QTest::mouseClick(sent->retryButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(sent->state(), QStringLiteral("sent"),
                                  ConsoleFixture::kJobTimeoutMs);
        QCOMPARE(sendsReceived(), sendsBefore + 2);
        QTRY_VERIFY(sent->retryButton()->isHidden());
        QVERIFY(sent->stateDetail().isEmpty());
    }

    void imageAttachmentsBecomeThumbnails()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationView *view = window.conversationView();
        ConsoleFixture::Post post;
        post.user = QStringLiteral("+14155550188");
        post.platform = Platform::Mms;
        post.text = QStringLiteral("The box arrived like this");
        post.attachments = {
            Attachment{m_web.url(QStringLiteral("/media/parcel.png")).toString(),
                       QStringLiteral("image/png")},
            Attachment{m_web.url(QStringLiteral("/media/broken.png")).toString(),
                       QStringLiteral("image/png")},
            Attachment{m_web.url(QStringLiteral("/files/receipt.pdf")).toString(),
                       QStringLiteral("application/pdf")},
            Attachment{QStringLiteral("tg-file:AgACAgQAAxkBAAIB"), QString()},
        };
        const auto posted = m_console.ingest(post);
        QVERIFY(posted.isOk());
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        MessageBubble *bubble = waitForBubble(view, posted.value().messageId);
        QVERIFY(bubble);
        const QList<QWidget *> parts = bubble->attachmentWidgets();
        QCOMPARE(parts.size(), 4);
        auto *thumbnail = qobject_cast<QToolButton *>(parts.at(0));
        auto *broken = qobject_cast<QToolButton *>(parts.at(1));
        QVERIFY(thumbnail && broken);
        QTRY_VERIFY_WITH_TIMEOUT(!thumbnail->icon().isNull(), ConsoleFixture::kJobTimeoutMs);
        // Scaled down to a thumbnail, keeping the aspect ratio.
        QCOMPARE(thumbnail->iconSize(), QSize(180, 118));
        QTRY_VERIFY(broken->toolTip().contains(QStringLiteral("preview failed")));
        QVERIFY(broken->icon().isNull());
        auto *pdf = qobject_cast<QLabel *>(parts.at(2));
        QVERIFY(pdf && pdf->text().contains(QStringLiteral("receipt.pdf")));
        QVERIFY(pdf->text().contains(QStringLiteral("href=")));
        auto *platformFile = qobject_cast<QLabel *>(parts.at(3));
        QVERIFY(platformFile && !platformFile->text().contains(QStringLiteral("href=")));
        // Fetched once, however often the view refreshes.
        const int fetched = int(std::count_if(
            m_web.requests().cbegin(), m_web.requests().cend(),
            [](const RecordedRequest &r) { return r.path == QLatin1String("/media/parcel.png"); }));
        view->reload();
        QTest::qWait(300);
        QCOMPARE(int(std::count_if(m_web.requests().cbegin(), m_web.requests().cend(),
                                   [](const RecordedRequest &r) {
                                       return r.path == QLatin1String("/media/parcel.png");
                                   })),
                 fetched);
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("view-attachments")));
    }

    void olderMessagesLoadWhenScrollingUp()
    {
        const auto first = m_console.ingest(QStringLiteral("long-thread"),
                                            QStringLiteral("Message number 1"), Platform::Email);
        QVERIFY(first.isOk());
        const QString conversationId = first.value().conversationId;
        // No drafts for this one: the thread is only the customer's.
        ConversationPatch manual;
        manual.aiMode = AiMode::Manual;
        QVERIFY(
            ConsoleFixture::await(m_console.engine()->updateConversation(conversationId, manual))
                .isOk());
        const int total = ConversationView::kPageSize * 2 + 20;
        QList<QFuture<Outcome<IngestResult>>> futures;
        for (int i = 2; i <= total; ++i) {
            Message message;
            message.platform = Platform::Email;
            message.userId = QStringLiteral("long-thread");
            message.content = QStringLiteral("Message number %1").arg(i);
            futures << m_console.engine()->ingest(message);
            // Strictly increasing times keep the order of the thread unambiguous.
            if (i % 20 == 0)
                QTest::qWait(2);
        }
        for (auto &future : futures) {
            const auto result = ConsoleFixture::await(future);
            QVERIFY(result.isOk());
            QCOMPARE(result.value().conversationId, conversationId);
        }

        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationView *view = window.conversationView();
        QTRY_VERIFY(window.selectConversation(conversationId));
        QTRY_COMPARE(view->bubbles().size(), ConversationView::kPageSize);
        QVERIFY(view->hasOlderMessages());
        QCOMPARE(view->bubbles().constLast()->shownContent(),
                 QStringLiteral("Message number %1").arg(total));
        auto *scroll = view->findChild<QScrollArea *>(QStringLiteral("messageScroll"));
        QScrollBar *bar = scroll->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum());

        // Scrolling to the top reads the next older page; what was on screen stays there.
        MessageBubble *oldestShown = view->bubbles().constFirst();
        bar->setValue(0);
        QTRY_COMPARE(view->bubbles().size(), ConversationView::kPageSize * 2);
        QVERIFY(view->bubbles().contains(oldestShown));
        QTRY_VERIFY(bar->value() > 0);
        const QPoint onScreen = oldestShown->mapTo(scroll->viewport(), QPoint(0, 0));
        QVERIFY2(onScreen.y() >= -oldestShown->height() &&
                     onScreen.y() < scroll->viewport()->height(),
                 qPrintable(QString::number(onScreen.y())));

        QVERIFY(view->loadOlderButton()->isVisible());
        QTest::mouseClick(view->loadOlderButton(), Qt::LeftButton);
        QTRY_COMPARE(view->bubbles().size(), total);
        QVERIFY(!view->hasOlderMessages());
        QTRY_VERIFY(view->loadOlderButton()->isHidden());
        QCOMPARE(view->bubbles().constFirst()->shownContent(), QStringLiteral("Message number 1"));
    }

    void composerCountsAgainstThePlatformLimit()
    {
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationView *view = window.conversationView();
        const auto posted = m_console.ingest(QStringLiteral("+14155550199"),
                                             QStringLiteral("Text me back"), Platform::Sms);
        QVERIFY(posted.isOk());
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        Composer *composer = view->composerWidget();
        QTRY_COMPARE(composer->limit(), platformLengthLimit(Platform::Sms));
        composer->setText(QStringLiteral("Sure!"));
        QCOMPARE(composer->counter()->text(),
                 QStringLiteral("5 / %1").arg(QLocale().toString(1600)));
        QVERIFY(view->sendButton()->isEnabled());
        composer->setText(QString(1601, QLatin1Char('x')));
        QVERIFY(composer->isOverLimit());
        QVERIFY(!view->sendButton()->isEnabled());
        QVERIFY(composer->counter()->toolTip().contains(QStringLiteral("1 characters longer")));
        // Ctrl+Return does not get past the limit either.
        composer->editor()->setFocus();
        QTest::keyClick(composer->editor(), Qt::Key_Return, Qt::ControlModifier);
        QTest::qWait(200);
        QCOMPARE(composer->text().size(), 1601);
        QTest::keyClick(composer->editor(), Qt::Key_Backspace);
        QVERIFY(!composer->isOverLimit());
        QVERIFY(view->sendButton()->isEnabled());
    }

    void cannedResponsesInsertWithASlash()
    {
        CannedResponses::save({{QStringLiteral("Refund"),
                                QStringLiteral("Your refund is on its way and shows up within "
                                               "5 business days.")},
                               {QStringLiteral("hours"),
                                QStringLiteral("We are open Monday to Friday, 9:00 to 17:00.")}});
        MainWindow window(m_console.engine());
        QVERIFY(ConsoleFixture::open(window));
        ConversationView *view = window.conversationView();
        const auto posted =
            m_console.ingest(QStringLiteral("pia"), QStringLiteral("When do I get my money back?"));
        QVERIFY(posted.isOk());
        QTRY_VERIFY(window.selectConversation(posted.value().conversationId));
        Composer *composer = view->composerWidget();
        QPlainTextEdit *editor = composer->editor();
        QTRY_VERIFY(editor->isEnabled());
        window.activateWindow();
        editor->setFocus();
        QTest::keyClicks(editor, QStringLiteral("Hi Pia! /ref"));
        QAbstractItemView *popup = composer->completer()->popup();
        QTRY_VERIFY(popup->isVisible());
        QCOMPARE(composer->completer()->completionCount(), 1);
        QVERIFY(ConsoleFixture::screenshot(&window, QStringLiteral("view-canned-responses")));
        QTest::keyClick(popup, Qt::Key_Return);
        QTRY_COMPARE(editor->toPlainText(),
                     QStringLiteral("Hi Pia! Your refund is on its way and shows up within 5 "
                                    "business days."));
        QVERIFY(popup->isHidden());
        // A slash inside a word is not a command.
        editor->clear();
        QTest::keyClicks(editor, QStringLiteral("and/or"));
        QTest::qWait(50);
        QVERIFY(popup->isHidden());
        // Unknown names leave the text alone.
        QVERIFY(!composer->insertCannedResponse(QStringLiteral("nope")));
        QCOMPARE(editor->toPlainText(), QStringLiteral("and/or"));
    }
};

QTEST_MAIN(TestConversationView)
#include "tst_conversationview.moc"
