#include "consolefixture.h"

#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"
#include "ui/conversationlistmodel.h"
#include "ui/mainwindow.h"
#include "ui/theme.h"
#include "ui/translations.h"

#include <QApplication>
#include <QDir>
#include <QSettings>
#include <QWidget>

namespace relaydesk {

ConsoleFixture::~ConsoleFixture()
{
    stop();
}

bool ConsoleFixture::start(const QString &applicationName,
                           const std::function<void(Settings &)> &configure)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("no temporary directory");
        return false;
    }
    QCoreApplication::setOrganizationName(QStringLiteral("RelaydeskTests"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("settings")));
    QSettings().clear();
    // The console installs the system language; the assertions read English.
    ui::installTranslations(qApp, QLocale(QLocale::English, QLocale::UnitedStates));
    ui::Theme::applyToApplication(false);

    Settings settings;
    settings.dataDir = m_dir.path();
    settings.databaseUrl =
        QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("relaydesk.db"));
    // Failed sends dead-letter at once instead of backing off through the test's timeouts.
    settings.retryAttempts = 1;
    if (configure)
        configure(settings);
    m_engine = std::make_unique<Engine>(settings);
    const auto started = m_engine->start();
    if (!started.isOk()) {
        m_error = started.error().message;
        return false;
    }
    return true;
}

void ConsoleFixture::stop()
{
    if (m_engine) {
        m_engine->stop();
        m_engine.reset();
    }
}

Outcome<IngestResult> ConsoleFixture::ingest(const Post &post)
{
    Message message;
    message.platform = post.platform;
    message.userId = post.user;
    message.content = post.text;
    message.direction = Direction::Inbound;
    message.priority = post.priority;
    message.metadata = post.metadata;
    message.attachments = post.attachments;
    return await(m_engine->ingest(message));
}

Outcome<IngestResult> ConsoleFixture::ingest(const QString &user, const QString &text,
                                             Platform platform, Priority priority)
{
    Post post;
    post.user = user;
    post.text = text;
    post.platform = platform;
    post.priority = priority;
    return ingest(post);
}

QList<MessageEvent> ConsoleFixture::eventsOf(const QString &messageId)
{
    auto events = await(m_engine->read<QList<MessageEvent>>(
        [messageId](QSqlDatabase &db) { return MessageRepository(db).events(messageId); }));
    return events.isOk() ? events.value() : QList<MessageEvent>();
}

QString ConsoleFixture::stateOf(const QString &messageId)
{
    auto message = await(m_engine->read<Message>(
        [messageId](QSqlDatabase &db) { return MessageRepository(db).get(messageId); }));
    return message.isOk() ? message.value().state : QString();
}

Outcome<Conversation> ConsoleFixture::conversation(const QString &conversationId)
{
    return await(m_engine->read<Conversation>([conversationId](QSqlDatabase &db) {
        return ConversationRepository(db).get(conversationId);
    }));
}

QString ConsoleFixture::waitForDraft(const QString &conversationId)
{
    QString draftId;
    [[maybe_unused]] const bool found = QTest::qWaitFor(
        [&] {
            auto recent = await(m_engine->read<QList<Message>>([conversationId](QSqlDatabase &db) {
                return MessageRepository(db).recent(conversationId, 50);
            }));
            if (!recent.isOk())
                return false;
            for (const Message &m : recent.value()) {
                if (m.authorKind == AuthorKind::Ai && m.state == toString(EventType::Drafted))
                    draftId = m.id;
            }
            return !draftId.isEmpty();
        },
        kJobTimeoutMs);
    return draftId;
}

bool ConsoleFixture::open(ui::MainWindow &window)
{
    window.resize(1440, 900);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        return false;
    return QTest::qWaitFor([&] { return !window.conversationModel()->isLoading(); }, kJobTimeoutMs);
}

QString ConsoleFixture::screenshotDir()
{
    const QString configured = qEnvironmentVariable("RELAYDESK_SCREENSHOT_DIR");
    return configured.isEmpty() ? QDir::currentPath() + QStringLiteral("/screenshots") : configured;
}

bool ConsoleFixture::screenshot(QWidget *widget, const QString &name)
{
    if (!widget)
        return false;
    QDir().mkpath(screenshotDir());
    // Let pending layouts and repaints land before the picture is taken.
    QCoreApplication::processEvents();
    QTest::qWait(50);
    const QString file = screenshotDir() + QLatin1Char('/') + name + QStringLiteral(".png");
    return widget->grab().save(file);
}

} // namespace relaydesk
