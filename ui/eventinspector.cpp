#include "ui/eventinspector.h"

#include "core/messagecodec.h"
#include "engine/engine.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/errortext.h"
#include "ui/jsonhighlighter.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#ifdef RELAYDESK_HAVE_KSYNTAXHIGHLIGHTING
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/SyntaxHighlighter>
#include <KSyntaxHighlighting/Theme>
#endif

namespace relaydesk::ui {

namespace {

QSyntaxHighlighter *createHighlighter(QTextDocument *document, QObject *owner)
{
#ifdef RELAYDESK_HAVE_KSYNTAXHIGHLIGHTING
    // One repository for the process: loading the definitions is not free.
    static KSyntaxHighlighting::Repository repository;
    const KSyntaxHighlighting::Definition json =
        repository.definitionForName(QStringLiteral("JSON"));
    if (json.isValid()) {
        auto *highlighter = new KSyntaxHighlighting::SyntaxHighlighter(document);
        highlighter->setTheme(
            repository.defaultTheme(Theme::isDark() ? KSyntaxHighlighting::Repository::DarkTheme
                                                    : KSyntaxHighlighting::Repository::LightTheme));
        highlighter->setDefinition(json);
        highlighter->setParent(owner);
        return highlighter;
    }
#endif
    auto *highlighter = new JsonHighlighter(document);
    highlighter->setParent(owner);
    return highlighter;
}

QString eventTime(const QDateTime &at)
{
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QStringLiteral("HH:mm:ss.zzz"))
                        : QString();
}

} // namespace

EventInspector::EventInspector(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("eventInspector"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(100);
    connect(&m_debounce, &QTimer::timeout, this, &EventInspector::reload);
    setStyleSheet(Theme::panelStyle(QStringLiteral("inspectorContent")) +
                  QStringLiteral("QTreeWidget, QPlainTextEdit { background: %1; color: %2; "
                                 "border: 1px solid %3; border-radius: 6px; }")
                      .arg(Theme::css(Theme::surface()), Theme::css(Theme::text()),
                           Theme::css(Theme::separator())));

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);
    auto *none =
        new QLabel(tr("Click a message in the conversation to inspect its events."), m_pages);
    none->setAlignment(Qt::AlignCenter);
    none->setWordWrap(true);
    none->setStyleSheet(QStringLiteral("color: %1; background: %2; padding: 24px;")
                            .arg(Theme::css(Theme::mutedText()), Theme::css(Theme::surface())));
    m_pages->addWidget(none);

    auto *content = new QWidget(m_pages);
    content->setObjectName(QStringLiteral("inspectorContent"));
    content->setAttribute(Qt::WA_StyledBackground);
    auto *column = new QVBoxLayout(content);
    column->setContentsMargins(12, 10, 12, 12);
    column->setSpacing(6);
    auto *header = new QHBoxLayout;
    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("inspectorTitle"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    m_copy = new QPushButton(tr("Copy JSON"), content);
    m_copy->setObjectName(QStringLiteral("copyJsonButton"));
    m_copy->setToolTip(tr("Copy the message and its events as JSON to the clipboard"));
    header->addWidget(m_title, 1);
    header->addWidget(m_copy);
    column->addLayout(header);

    auto *splitter = new QSplitter(Qt::Vertical, content);
    splitter->setChildrenCollapsible(false);
    m_timeline = new QTreeWidget(splitter);
    m_timeline->setObjectName(QStringLiteral("eventTimeline"));
    m_timeline->setAccessibleName(tr("Event timeline"));
    m_timeline->setHeaderLabels({tr("Time"), tr("Event"), tr("Detail")});
    m_timeline->setRootIsDecorated(false);
    m_timeline->setUniformRowHeights(true);
    m_timeline->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_timeline->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_json = new QPlainTextEdit(splitter);
    m_json->setObjectName(QStringLiteral("eventJson"));
    m_json->setAccessibleName(tr("Raw JSON"));
    m_json->setReadOnly(true);
    m_json->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_json->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_json->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_highlighter = createHighlighter(m_json->document(), this);
    splitter->addWidget(m_timeline);
    splitter->addWidget(m_json);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    column->addWidget(splitter, 1);
    m_pages->addWidget(content);
    m_pages->setCurrentIndex(0);

    connect(m_copy, &QPushButton::clicked, this, &EventInspector::copyJson);
    connect(engine, &Engine::messageStateChanged, this,
            [this](const QString &, const QString &messageId, const QString &) {
                if (!m_messageId.isEmpty() && messageId == m_messageId && !m_debounce.isActive())
                    m_debounce.start();
            });
}

void EventInspector::setMessage(const QString &messageId)
{
    if (messageId == m_messageId)
        return;
    m_messageId = messageId;
    ++m_generation;
    m_timeline->clear();
    m_json->clear();
    m_pages->setCurrentIndex(messageId.isEmpty() ? 0 : 1);
    if (!messageId.isEmpty()) {
        m_title->setText(tr("Loading…"));
        reload();
    }
}

void EventInspector::reload()
{
    if (m_messageId.isEmpty())
        return;
    if (m_loading) {
        m_reloadAgain = true;
        return;
    }
    m_loading = true;
    const QString id = m_messageId;
    const quint64 generation = m_generation;
    whenReady(m_engine->read<Snapshot>([id](QSqlDatabase &db) -> Outcome<Snapshot> {
        Snapshot snapshot;
        MessageRepository messages(db);
        auto message = messages.get(id);
        if (!message.isOk())
            return message.error();
        snapshot.message = message.value();
        auto events = messages.events(id);
        if (!events.isOk())
            return events.error();
        snapshot.events = events.value();
        auto dead = JobQueue(db).deadFor(id);
        if (!dead.isOk())
            return dead.error();
        if (dead.value()) {
            const Job &job = *dead.value();
            snapshot.deadLetter = QJsonObject{
                {QStringLiteral("id"), job.id},
                {QStringLiteral("kind"), job.kind},
                {QStringLiteral("attempts"), job.attempts},
                {QStringLiteral("max_attempts"), job.maxAttempts},
                {QStringLiteral("last_error"), job.lastError},
                {QStringLiteral("created_at"), MessageCodec::timestamp(job.createdAt)},
            };
        }
        return snapshot;
    }),
              this, [this, generation](const Outcome<Snapshot> &result) {
                  m_loading = false;
                  if (generation == m_generation) {
                      if (result.isOk()) {
                          apply(result.value());
                      } else {
                          m_title->setText(ErrorText::describe(tr("Loading the message events"),
                                                               result.error()));
                      }
                  }
                  if (m_reloadAgain || generation != m_generation) {
                      m_reloadAgain = false;
                      reload();
                  }
              });
}

void EventInspector::apply(const Snapshot &snapshot)
{
    const Message &m = snapshot.message;
    m_title->setText(tr("%1 message from %2 · %3")
                         .arg(DisplayNames::authorKind(m.authorKind),
                              m.authorKind == AuthorKind::Customer ? m.userId : m.authorId,
                              DisplayNames::messageState(m.state)));
    m_timeline->clear();
    for (const MessageEvent &event : snapshot.events) {
        auto *item = new QTreeWidgetItem(m_timeline);
        item->setText(0, eventTime(event.createdAt));
        item->setText(1, DisplayNames::messageState(toString(event.type)));
        item->setForeground(1, Theme::stateColor(toString(event.type)));
        item->setText(2, event.detail);
        item->setToolTip(2, event.detail);
    }
    QJsonObject root{{QStringLiteral("message"), MessageCodec::toJson(m)}};
    QJsonArray events;
    for (const MessageEvent &event : snapshot.events)
        events.append(MessageCodec::toJson(event));
    root.insert(QStringLiteral("events"), events);
    if (!snapshot.deadLetter.isEmpty())
        root.insert(QStringLiteral("dead_letter"), snapshot.deadLetter);
    const int scroll = m_json->verticalScrollBar()->value();
    m_json->setPlainText(QString::fromUtf8(QJsonDocument(root).toJson(QJsonDocument::Indented)));
    m_json->verticalScrollBar()->setValue(scroll);
    Q_EMIT loaded(m.id);
}

void EventInspector::copyJson()
{
    if (m_json->toPlainText().isEmpty())
        return;
    QApplication::clipboard()->setText(m_json->toPlainText());
    Q_EMIT statusMessage(tr("Message JSON copied to the clipboard."));
}

} // namespace relaydesk::ui
