#include "ui/conversationview.h"

#include "engine/engine.h"
#include "storage/conversationrepository.h"
#include "storage/jobqueue.h"
#include "storage/messagerepository.h"
#include "storage/noterepository.h"
#include "ui/attachmentloader.h"
#include "ui/composer.h"
#include "ui/displaynames.h"
#include "ui/draftcard.h"
#include "ui/errortext.h"
#include "ui/messagebubble.h"
#include "ui/notebubble.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QApplication>
#include <QFrame>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

// The approval event carries an operator's edit as "<actor> (edited): <text>" (messages are
// immutable, so this is the only record of what was really sent).
const QString kEditedMarker = QStringLiteral(" (edited): ");
// Scrolled this close to the top, the next older page is read.
constexpr int kLoadOlderMargin = 40;

bool isState(const Message &message, EventType type)
{
    return message.state == toString(type);
}

QString defaultOperatorName()
{
    QString name = qEnvironmentVariable("USER");
    if (name.isEmpty())
        name = qEnvironmentVariable("USERNAME");
    return name.isEmpty() ? QStringLiteral("operator") : name;
}

} // namespace

struct ConversationView::Snapshot {
    Conversation conversation;
    QList<Message> messages;
    // Private notes from the oldest shown message on (all of them when nothing older is left).
    QList<Note> notes;
    bool hasOlder = false;
    // The newest event's detail for failed, dead-lettered and rejected messages, and the
    // drafting note (provider, model, why it is held) of drafts.
    QHash<QString, QString> stateDetails;
    // The text the operator approved in place of an AI draft.
    QHash<QString, QString> sentContents;
    // The dead letter a Retry sends again, per message.
    QHash<QString, QString> retryJobs;
};

ConversationView::ConversationView(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
    , m_loader(new AttachmentLoader(this))
    , m_operatorName(defaultOperatorName())
{
    setObjectName(QStringLiteral("conversationView"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ConversationView::reload);
    m_keepDistanceTimer.setSingleShot(true);
    m_keepDistanceTimer.setInterval(400);
    connect(&m_keepDistanceTimer, &QTimer::timeout, this, [this] { m_keepDistance = -1; });

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);

    // Page 0: nothing selected.
    auto *placeholder =
        new QLabel(tr("Select a conversation in the inbox to read it and answer the customer.\n\n"
                      "J / K move through the inbox, R replies, Ctrl+Return approves the draft, "
                      "F1 lists every shortcut."),
                   m_pages);
    placeholder->setObjectName(QStringLiteral("placeholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setStyleSheet(
        QStringLiteral("color: %1; background: %2; padding: 40px;")
            .arg(Theme::css(Theme::mutedText()), Theme::css(Theme::windowBackground())));
    m_pages->addWidget(placeholder);

    // Page 1: the conversation.
    auto *page = new QWidget(m_pages);
    auto *column = new QVBoxLayout(page);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);

    auto *header = new QWidget(page);
    header->setObjectName(QStringLiteral("conversationHeader"));
    header->setStyleSheet(
        QStringLiteral("QWidget#conversationHeader { background: %3; border-bottom: 1px solid "
                       "%1; } QLabel#conversationTitle { color: %4; } "
                       "QLabel#conversationSubtitle { color: %2; }")
            .arg(Theme::css(Theme::separator()), Theme::css(Theme::mutedText()),
                 Theme::css(Theme::surface()), Theme::css(Theme::text())));
    header->setAttribute(Qt::WA_StyledBackground);
    auto *headerLayout = new QVBoxLayout(header);
    headerLayout->setContentsMargins(20, 12, 20, 12);
    headerLayout->setSpacing(2);
    m_title = new QLabel(header);
    m_title->setObjectName(QStringLiteral("conversationTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    if (titleFont.pointSizeF() > 0)
        titleFont.setPointSizeF(titleFont.pointSizeF() + 3);
    m_title->setFont(titleFont);
    m_title->setTextFormat(Qt::PlainText);
    m_subtitle = new QLabel(header);
    m_subtitle->setObjectName(QStringLiteral("conversationSubtitle"));
    m_subtitle->setTextFormat(Qt::PlainText);
    headerLayout->addWidget(m_title);
    headerLayout->addWidget(m_subtitle);
    column->addWidget(header);

    m_errorBanner = new QWidget(page);
    m_errorBanner->setObjectName(QStringLiteral("errorBanner"));
    m_errorBanner->setAttribute(Qt::WA_StyledBackground);
    m_errorBanner->setStyleSheet(
        QStringLiteral("QWidget#errorBanner { background: %1; border-bottom: 1px solid %3; }"
                       "QLabel { color: %2; } QToolButton { color: %2; border: none; }")
            .arg(Theme::css(Theme::errorBackground()), Theme::css(Theme::errorText()),
                 Theme::css(Theme::errorBorder())));
    auto *bannerLayout = new QHBoxLayout(m_errorBanner);
    bannerLayout->setContentsMargins(20, 8, 12, 8);
    m_errorLabel = new QLabel(m_errorBanner);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *dismiss = new QToolButton(m_errorBanner);
    dismiss->setText(tr("Dismiss"));
    connect(dismiss, &QToolButton::clicked, this, &ConversationView::clearError);
    bannerLayout->addWidget(m_errorLabel, 1);
    bannerLayout->addWidget(dismiss);
    m_errorBanner->hide();
    column->addWidget(m_errorBanner);

    m_scroll = new QScrollArea(page);
    m_scroll->setObjectName(QStringLiteral("messageScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_messagesHost = new QWidget(m_scroll);
    m_messagesHost->setObjectName(QStringLiteral("messagesHost"));
    m_messagesHost->setAttribute(Qt::WA_StyledBackground);
    m_messagesHost->setStyleSheet(QStringLiteral("QWidget#messagesHost { background: %1; }")
                                      .arg(Theme::css(Theme::windowBackground())));
    m_messagesLayout = new QVBoxLayout(m_messagesHost);
    m_messagesLayout->setContentsMargins(20, 16, 20, 16);
    m_messagesLayout->setSpacing(10);
    m_olderButton = new QPushButton(tr("Load older messages"), m_messagesHost);
    m_olderButton->setObjectName(QStringLiteral("loadOlderButton"));
    m_olderButton->setFlat(true);
    m_olderButton->setCursor(Qt::PointingHandCursor);
    m_olderButton->setStyleSheet(QStringLiteral("QPushButton { color: %1; padding: 4px 12px; }")
                                     .arg(Theme::css(Theme::accent())));
    m_olderButton->hide();
    connect(m_olderButton, &QPushButton::clicked, this, &ConversationView::loadOlder);
    m_emptyNote = new QLabel(tr("No messages in this conversation yet."), m_messagesHost);
    m_emptyNote->setAlignment(Qt::AlignCenter);
    m_emptyNote->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::mutedText())));
    m_emptyNote->hide();

    m_streaming = new QFrame(m_messagesHost);
    m_streaming->setObjectName(QStringLiteral("streamingCard"));
    m_streaming->setStyleSheet(
        QStringLiteral("QFrame#streamingCard { background: %1; border: 1px dashed %2; "
                       "border-radius: 14px; } QLabel#streamingTitle { color: %3; "
                       "font-weight: 600; } QLabel#streamingText { color: %4; }")
            .arg(Theme::css(Theme::bubbleBackground(AuthorKind::Ai)),
                 Theme::css(Theme::bubbleBorder(AuthorKind::Ai)),
                 Theme::css(Theme::authorColor(AuthorKind::Ai)), Theme::css(Theme::text())));
    auto *streamingColumn = new QVBoxLayout(m_streaming);
    streamingColumn->setContentsMargins(14, 10, 14, 10);
    auto *streamingTitle = new QLabel(tr("AI is writing a reply…"), m_streaming);
    streamingTitle->setObjectName(QStringLiteral("streamingTitle"));
    m_streamingLabel = new QLabel(m_streaming);
    m_streamingLabel->setObjectName(QStringLiteral("streamingText"));
    m_streamingLabel->setWordWrap(true);
    m_streamingLabel->setTextFormat(Qt::PlainText);
    streamingColumn->addWidget(streamingTitle);
    streamingColumn->addWidget(m_streamingLabel);
    m_streaming->hide();
    // Drafts are the AI's side of the conversation: right-aligned like its bubbles.
    m_streamingRow = new QWidget(m_messagesHost);
    auto *streamingRowLayout = new QHBoxLayout(m_streamingRow);
    streamingRowLayout->setContentsMargins(0, 0, 0, 0);
    streamingRowLayout->addStretch(1);
    streamingRowLayout->addWidget(m_streaming, 3);
    m_streamingRow->hide();
    m_scroll->setWidget(m_messagesHost);
    column->addWidget(m_scroll, 1);

    // Follow new messages only while the operator is reading the end of the conversation;
    // while older ones are added above, keep what they were reading in place.
    QScrollBar *bar = m_scroll->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (m_keepDistance >= 0)
            bar->setValue(maximum - m_keepDistance);
        else if (m_stickToBottom)
            bar->setValue(maximum);
    });
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
        m_stickToBottom = value >= bar->maximum() - 24;
        // Not while the view itself is moving to keep the reader's place.
        if (value <= kLoadOlderMargin && bar->maximum() > 0 && m_keepDistance < 0)
            loadOlder();
    });

    m_composer = new Composer(page);
    column->addWidget(m_composer);
    m_pages->addWidget(page);
    connect(m_composer, &Composer::sendRequested, this, &ConversationView::sendReply);

    const auto mine = [this](const QString &conversationId) {
        if (!m_conversationId.isEmpty() && conversationId == m_conversationId)
            scheduleReload();
    };
    connect(engine, &Engine::messageAdded, this,
            [mine](const QString &conversationId, const QString &) { mine(conversationId); });
    connect(engine, &Engine::messageStateChanged, this,
            [mine](const QString &conversationId, const QString &, const QString &) {
                mine(conversationId);
            });
    connect(engine, &Engine::conversationChanged, this, mine);
    connect(engine, &Engine::noteAdded, this,
            [mine](const QString &conversationId, const QString &) { mine(conversationId); });
    connect(engine, &Engine::draftProgress, this, &ConversationView::showDraftProgress);

    m_pages->setCurrentIndex(0);
    updateComposerState();
}

ConversationView::~ConversationView() = default;

void ConversationView::setOperatorName(const QString &name)
{
    m_operatorName = name.trimmed().isEmpty() ? defaultOperatorName() : name.trimmed();
}

QPlainTextEdit *ConversationView::composer() const
{
    return m_composer->editor();
}

QPushButton *ConversationView::sendButton() const
{
    return m_composer->sendButton();
}

QString ConversationView::streamingText() const
{
    return m_streaming->isHidden() ? QString() : m_streamingLabel->text();
}

void ConversationView::showConversation(const QString &conversationId)
{
    if (conversationId == m_conversationId)
        return;
    if (!m_conversationId.isEmpty())
        m_composerDrafts.insert(m_conversationId, m_composer->text());
    m_conversationId = conversationId;
    m_conversation = Conversation();
    m_selectedMessage.clear();
    ++m_generation;
    m_window = kPageSize;
    m_hasOlder = false;
    m_loadingOlder = false;
    m_keepDistance = -1;
    m_debounce.stop();
    clearMessages();
    clearError();
    hideStreaming();
    m_composer->setText(m_composerDrafts.take(conversationId));
    // Every conversation opens replying; a note is always asked for on purpose.
    m_composer->setNoteMode(false);
    m_stickToBottom = true;
    if (conversationId.isEmpty()) {
        m_pages->setCurrentIndex(0);
        updateComposerState();
        return;
    }
    m_title->setText(tr("Loading…"));
    m_subtitle->clear();
    m_pages->setCurrentIndex(1);
    updateComposerState();
    reload();
}

QList<MessageBubble *> ConversationView::bubbles() const
{
    QList<MessageBubble *> result;
    for (int i = 0; i < m_messagesLayout->count(); ++i) {
        if (auto *bubble = qobject_cast<MessageBubble *>(m_messagesLayout->itemAt(i)->widget()))
            result << bubble;
    }
    return result;
}

QList<DraftCard *> ConversationView::draftCards() const
{
    QList<DraftCard *> result;
    for (int i = 0; i < m_messagesLayout->count(); ++i) {
        if (auto *card = qobject_cast<DraftCard *>(m_messagesLayout->itemAt(i)->widget()))
            result << card;
    }
    return result;
}

MessageBubble *ConversationView::bubble(const QString &messageId) const
{
    return qobject_cast<MessageBubble *>(m_items.value(messageId));
}

DraftCard *ConversationView::draftCard(const QString &messageId) const
{
    return qobject_cast<DraftCard *>(m_items.value(messageId));
}

DraftCard *ConversationView::newestDraftCard() const
{
    const QList<DraftCard *> cards = draftCards();
    return cards.isEmpty() ? nullptr : cards.constLast();
}

QString ConversationView::errorText() const
{
    return m_errorBanner->isHidden() ? QString() : m_errorLabel->text();
}

void ConversationView::scheduleReload()
{
    if (!m_debounce.isActive())
        m_debounce.start();
}

void ConversationView::loadOlder()
{
    if (!m_hasOlder || m_conversationId.isEmpty() || m_loadingOlder)
        return;
    m_loadingOlder = true;
    m_window += kPageSize;
    QScrollBar *bar = m_scroll->verticalScrollBar();
    m_keepDistance = bar->maximum() - bar->value();
    m_olderButton->setEnabled(false);
    m_olderButton->setText(tr("Loading older messages…"));
    reload();
}

void ConversationView::reload()
{
    if (m_conversationId.isEmpty())
        return;
    // One read at a time: an older snapshot must never replace a newer one.
    if (m_loading) {
        m_reloadAgain = true;
        return;
    }
    m_loading = true;
    const QString id = m_conversationId;
    const quint64 generation = m_generation;
    const int window = m_window;
    whenReady(m_engine->read<Snapshot>([id, window](QSqlDatabase &db) -> Outcome<Snapshot> {
        Snapshot snapshot;
        auto conversation = ConversationRepository(db).get(id);
        if (!conversation.isOk())
            return conversation.error();
        snapshot.conversation = conversation.value();
        MessageRepository messages(db);
        // One more than shown says whether anything older is left.
        auto recent = messages.recent(id, window + 1);
        if (!recent.isOk())
            return recent.error();
        snapshot.messages = recent.value();
        if (snapshot.messages.size() > window) {
            snapshot.hasOlder = true;
            snapshot.messages.removeFirst();
        }
        // Ids are time-ordered UUIDv7 in both tables: notes interleave with messages by id.
        auto notes = NoteRepository(db).forConversation(
            id, snapshot.hasOlder && !snapshot.messages.isEmpty() ? snapshot.messages.first().id
                                                                  : QString());
        if (!notes.isOk())
            return notes.error();
        snapshot.notes = notes.value();
        JobQueue jobs(db);
        for (const Message &m : std::as_const(snapshot.messages)) {
            const bool dead = isState(m, EventType::DeadLettered);
            const bool explain = isState(m, EventType::Failed) || dead ||
                                 isState(m, EventType::Rejected) ||
                                 (m.authorKind == AuthorKind::Ai && isState(m, EventType::Drafted));
            const bool mayBeEdited = m.authorKind == AuthorKind::Ai &&
                                     !isState(m, EventType::Drafted) &&
                                     !isState(m, EventType::Rejected);
            if (dead) {
                auto job = jobs.deadFor(m.id);
                if (!job.isOk())
                    return job.error();
                if (job.value())
                    snapshot.retryJobs.insert(m.id, job.value()->id);
            }
            if (!explain && !mayBeEdited)
                continue;
            auto events = messages.events(m.id);
            if (!events.isOk())
                return events.error();
            for (const MessageEvent &event : std::as_const(events.value())) {
                const qsizetype marker = event.detail.indexOf(kEditedMarker);
                if (mayBeEdited && event.type == EventType::Approved && marker >= 0)
                    snapshot.sentContents.insert(m.id,
                                                 event.detail.mid(marker + kEditedMarker.size()));
            }
            if (explain && !events.value().isEmpty())
                snapshot.stateDetails.insert(m.id, events.value().constLast().detail);
        }
        return snapshot;
    }),
              this, [this, id, generation](const Outcome<Snapshot> &result) {
                  m_loading = false;
                  const bool current = generation == m_generation && id == m_conversationId;
                  if (current) {
                      if (result.isOk()) {
                          apply(result.value());
                      } else {
                          m_loadingOlder = false;
                          m_keepDistance = -1;
                          showError(
                              ErrorText::describe(tr("Loading the conversation"), result.error()));
                      }
                  }
                  if (m_reloadAgain || !current) {
                      m_reloadAgain = false;
                      reload();
                  }
              });
}

void ConversationView::apply(const Snapshot &snapshot)
{
    m_conversation = snapshot.conversation;
    m_hasOlder = snapshot.hasOlder;
    m_loadingOlder = false;
    updateHeader(snapshot.conversation);
    m_composer->setPlatform(snapshot.conversation.platform);

    QHash<QString, QWidget *> previous = std::move(m_items);
    m_items.clear();
    QList<QWidget *> ordered;
    qsizetype nextNote = 0;
    const auto placeNotesBefore = [&](const QString &messageId) {
        while (nextNote < snapshot.notes.size() &&
               (messageId.isEmpty() || snapshot.notes.at(nextNote).id < messageId)) {
            const Note &note = snapshot.notes.at(nextNote++);
            // Notes never change: the widget of an earlier read is kept as it is.
            QWidget *widget = previous.take(note.id);
            if (!qobject_cast<NoteBubble *>(widget)) {
                dispose(widget);
                widget = new NoteBubble(note, m_messagesHost);
            }
            m_items.insert(note.id, widget);
            ordered << widget;
        }
    };
    for (const Message &m : snapshot.messages) {
        placeNotesBefore(m.id);
        QWidget *existing = previous.take(m.id);
        QWidget *widget = nullptr;
        if (m.authorKind == AuthorKind::Ai && isState(m, EventType::Drafted)) {
            auto *card = qobject_cast<DraftCard *>(existing);
            if (card) {
                card->setMessage(m, snapshot.stateDetails.value(m.id));
            } else {
                dispose(existing);
                card = new DraftCard(m, m_messagesHost);
                card->setMessage(m, snapshot.stateDetails.value(m.id));
                connect(card, &DraftCard::approveRequested, this, &ConversationView::approveDraft);
                connect(card, &DraftCard::rejectRequested, this,
                        &ConversationView::askRejectReason);
                connect(card, &DraftCard::regenerateRequested, this,
                        &ConversationView::regenerateDraft);
                connect(card, &DraftCard::takeOverRequested, this, &ConversationView::takeOver);
            }
            card->setPlatformLimit(platformLengthLimit(m.platform));
            widget = card;
            // The draft that was streaming has arrived.
            if (m.metadata.value(QStringLiteral("in_reply_to")) == m_streamingFor)
                hideStreaming();
        } else {
            QString detail = snapshot.stateDetails.value(m.id);
            if (!detail.isEmpty()) {
                if (isState(m, EventType::Rejected))
                    detail = tr("Rejected by %1").arg(detail);
                else if (m.direction == Direction::Inbound)
                    detail = tr("Drafting a reply failed: %1").arg(detail);
                else if (isState(m, EventType::Failed))
                    detail = tr("Sending failed, trying again: %1").arg(detail);
                else
                    detail = tr("Delivery failed: %1").arg(detail);
            }
            auto *bubble = qobject_cast<MessageBubble *>(existing);
            if (!bubble) {
                dispose(existing);
                bubble = new MessageBubble(m, m_loader, m_messagesHost);
                connect(bubble, &MessageBubble::retryRequested, this,
                        &ConversationView::retryMessage);
                connect(bubble, &MessageBubble::activated, this, &ConversationView::selectMessage);
            }
            bubble->setMessage(m, detail, snapshot.sentContents.value(m.id),
                               snapshot.retryJobs.value(m.id));
            bubble->setHighlighted(m.id == m_selectedMessage);
            widget = bubble;
        }
        m_items.insert(m.id, widget);
        ordered << widget;
    }
    placeNotesBefore(QString());
    for (QWidget *gone : std::as_const(previous))
        dispose(gone);

    // Rebuild the layout order; the widgets themselves survive.
    while (QLayoutItem *item = m_messagesLayout->takeAt(0))
        delete item;
    m_messagesLayout->addStretch(1);
    m_olderButton->setVisible(snapshot.hasOlder);
    m_olderButton->setEnabled(true);
    m_olderButton->setText(tr("Load older messages"));
    m_messagesLayout->addWidget(m_olderButton, 0, Qt::AlignHCenter);
    m_emptyNote->setVisible(snapshot.messages.isEmpty() && snapshot.notes.isEmpty());
    m_messagesLayout->addWidget(m_emptyNote);
    for (QWidget *widget : std::as_const(ordered)) {
        m_messagesLayout->addWidget(widget);
        widget->show();
    }
    m_messagesLayout->addWidget(m_streamingRow);
    if (m_keepDistance >= 0)
        m_keepDistanceTimer.start();
    updateComposerState();
    Q_EMIT loaded(snapshot.conversation.id);
}

void ConversationView::updateHeader(const Conversation &conversation)
{
    const QString who = conversation.participants.join(QStringLiteral(", "));
    m_title->setText(who.isEmpty() ? tr("Unknown customer") : who);
    QStringList parts{DisplayNames::platform(conversation.platform),
                      DisplayNames::conversationStatus(conversation.status),
                      DisplayNames::priority(conversation.priority),
                      DisplayNames::aiMode(conversation.aiMode)};
    if (!conversation.assignee.isEmpty())
        parts << tr("Assigned to %1").arg(conversation.assignee);
    if (!conversation.labels.isEmpty())
        parts << conversation.labels.join(QStringLiteral(", "));
    if (conversation.flagged)
        parts << (conversation.flagReason.isEmpty()
                      ? tr("Flagged for review")
                      : tr("Flagged: %1").arg(conversation.flagReason));
    m_subtitle->setText(parts.join(QStringLiteral("  ·  ")));
}

void ConversationView::updateComposerState()
{
    m_composer->setBusy(m_sending);
    m_composer->setAvailable(!m_conversationId.isEmpty());
}

void ConversationView::sendReply()
{
    const QString text = m_composer->text().trimmed();
    if (m_conversationId.isEmpty() || m_sending || text.isEmpty() || m_composer->isOverLimit())
        return;
    if (m_composer->isNoteMode()) {
        addNote(text);
        return;
    }
    Message message;
    message.direction = Direction::Outbound;
    message.authorKind = AuthorKind::Operator;
    message.authorId = m_operatorName;
    message.content = text;
    m_sending = true;
    updateComposerState();
    clearError();
    const QString conversationId = m_conversationId;
    whenReady(m_engine->reply(conversationId, message), this,
              [this, conversationId, text](const Outcome<IngestResult> &result) {
                  m_sending = false;
                  const bool sameConversation = conversationId == m_conversationId;
                  if (result.isOk()) {
                      if (sameConversation && m_composer->text().trimmed() == text)
                          m_composer->clear();
                      else if (m_composerDrafts.value(conversationId).trimmed() == text)
                          m_composerDrafts.remove(conversationId);
                      Q_EMIT statusMessage(tr("Reply queued for sending."));
                      if (sameConversation)
                          scheduleReload();
                  } else {
                      const QString message =
                          ErrorText::describe(tr("Sending the reply"), result.error());
                      if (sameConversation)
                          showError(message);
                      Q_EMIT statusMessage(message);
                  }
                  updateComposerState();
              });
}

void ConversationView::addNote(const QString &text)
{
    m_sending = true;
    updateComposerState();
    clearError();
    const QString conversationId = m_conversationId;
    whenReady(m_engine->addNote(conversationId, text, m_operatorName), this,
              [this, conversationId, text](const Outcome<Note> &result) {
                  m_sending = false;
                  const bool sameConversation = conversationId == m_conversationId;
                  if (result.isOk()) {
                      if (sameConversation && m_composer->text().trimmed() == text) {
                          m_composer->clear();
                          // Back to replying: the next text is for the customer unless the
                          // operator asks for a note again.
                          m_composer->setNoteMode(false);
                      }
                      Q_EMIT statusMessage(tr("Private note added; it is not sent."));
                  } else {
                      const QString message =
                          ErrorText::describe(tr("Adding the note"), result.error());
                      if (sameConversation)
                          showError(message);
                      Q_EMIT statusMessage(message);
                  }
                  updateComposerState();
              });
}

QList<NoteBubble *> ConversationView::noteBubbles() const
{
    QList<NoteBubble *> notes;
    for (int i = 0; i < m_messagesLayout->count(); ++i) {
        if (auto *note = qobject_cast<NoteBubble *>(m_messagesLayout->itemAt(i)->widget()))
            notes << note;
    }
    return notes;
}

void ConversationView::selectMessage(const QString &messageId)
{
    if (messageId == m_selectedMessage)
        return;
    if (auto *old = bubble(m_selectedMessage))
        old->setHighlighted(false);
    m_selectedMessage = messageId;
    if (auto *now = bubble(messageId))
        now->setHighlighted(true);
    Q_EMIT messageSelected(messageId);
}

void ConversationView::focusComposer()
{
    if (m_conversationId.isEmpty())
        return;
    m_composer->editor()->setFocus(Qt::ShortcutFocusReason);
    m_composer->editor()->moveCursor(QTextCursor::End);
}

void ConversationView::focusNote()
{
    if (m_conversationId.isEmpty())
        return;
    m_composer->setNoteMode(true);
    focusComposer();
}

bool ConversationView::focusDraft()
{
    DraftCard *card = newestDraftCard();
    if (!card)
        return false;
    card->editor()->setFocus(Qt::ShortcutFocusReason);
    card->editor()->moveCursor(QTextCursor::End);
    m_scroll->ensureWidgetVisible(card);
    return true;
}

bool ConversationView::approveNewestDraft()
{
    DraftCard *card = newestDraftCard();
    if (!card || card->isBusy())
        return false;
    card->requestApprove();
    return true;
}

bool ConversationView::activateDefault()
{
    if (m_conversationId.isEmpty())
        return false;
    QWidget *focus = QApplication::focusWidget();
    if (focus && m_composer->isAncestorOf(focus)) {
        if (!m_composer->sendButton()->isEnabled())
            return false;
        sendReply();
        return true;
    }
    for (DraftCard *card : draftCards()) {
        if (focus && card->isAncestorOf(focus)) {
            card->requestApprove();
            return true;
        }
    }
    if (approveNewestDraft())
        return true;
    if (m_composer->sendButton()->isEnabled()) {
        sendReply();
        return true;
    }
    return false;
}

void ConversationView::approveDraft(const QString &messageId, const QString &editedContent)
{
    QPointer<DraftCard> card = draftCard(messageId);
    if (card)
        card->setBusy(true);
    whenReady(
        m_engine->approve(messageId, editedContent, m_operatorName), this,
        [this, card, edited = !editedContent.isEmpty()](const Outcome<Message> &result) {
            if (result.isOk()) {
                Q_EMIT statusMessage(edited ? tr("Edited reply approved and queued for sending.")
                                            : tr("Reply approved and queued for sending."));
                scheduleReload();
                return;
            }
            const QString message = ErrorText::describe(tr("Approving the draft"), result.error());
            if (card) {
                card->setBusy(false);
                card->showError(message);
            }
            Q_EMIT statusMessage(message);
            // A conflict means someone else decided first; show what they decided.
            scheduleReload();
        });
}

void ConversationView::askRejectReason(const QString &messageId)
{
    // Opened window-modal rather than exec()'d: the engine's updates keep flowing meanwhile.
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("rejectReasonDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Reject draft"));
    dialog->setLabelText(tr("Why is this draft rejected? (optional, kept in the history)"));
    dialog->setInputMode(QInputDialog::TextInput);
    dialog->setOkButtonText(tr("Reject draft"));
    dialog->setCancelButtonText(tr("Keep draft"));
    connect(dialog, &QInputDialog::textValueSelected, this,
            [this, messageId](const QString &reason) { rejectDraft(messageId, reason.trimmed()); });
    dialog->open();
}

void ConversationView::rejectDraft(const QString &messageId, const QString &reason)
{
    QPointer<DraftCard> card = draftCard(messageId);
    if (card)
        card->setBusy(true);
    whenReady(m_engine->reject(messageId, reason, m_operatorName), this,
              [this, card](const Outcome<Message> &result) {
                  if (result.isOk()) {
                      Q_EMIT statusMessage(tr("Draft rejected."));
                      scheduleReload();
                      return;
                  }
                  const QString message =
                      ErrorText::describe(tr("Rejecting the draft"), result.error());
                  if (card) {
                      card->setBusy(false);
                      card->showError(message);
                  }
                  Q_EMIT statusMessage(message);
                  scheduleReload();
              });
}

void ConversationView::regenerateDraft(const QString &messageId, const QString &instruction)
{
    QPointer<DraftCard> card = draftCard(messageId);
    if (card)
        card->setBusy(true);
    whenReady(m_engine->regenerate(messageId, instruction, m_operatorName), this,
              [this, card](const Outcome<IngestResult> &result) {
                  if (result.isOk()) {
                      Q_EMIT statusMessage(tr("Writing a new draft…"));
                      scheduleReload();
                      return;
                  }
                  const QString message =
                      ErrorText::describe(tr("Regenerating the draft"), result.error());
                  if (card) {
                      card->setBusy(false);
                      card->showError(message);
                  }
                  Q_EMIT statusMessage(message);
                  scheduleReload();
              });
}

void ConversationView::takeOver()
{
    if (m_conversationId.isEmpty())
        return;
    ConversationPatch patch;
    patch.aiMode = AiMode::Manual;
    whenReady(m_engine->updateConversation(m_conversationId, patch), this,
              [this](const Outcome<Conversation> &result) {
                  if (result.isOk()) {
                      Q_EMIT statusMessage(
                          tr("You took over: the AI no longer drafts in this conversation."));
                      focusComposer();
                  } else {
                      Q_EMIT statusMessage(
                          ErrorText::describe(tr("Taking over the conversation"), result.error()));
                  }
              });
}

void ConversationView::retryMessage(const QString &messageId, const QString &jobId)
{
    QPointer<MessageBubble> target = bubble(messageId);
    if (target)
        target->setRetrying(true);
    whenReady(m_engine->retryJob(jobId), this, [this, target](const Outcome<Job> &result) {
        if (result.isOk()) {
            Q_EMIT statusMessage(
                tr("Queued again: %1.").arg(DisplayNames::jobKind(result.value().kind)));
            scheduleReload();
            return;
        }
        if (target)
            target->setRetrying(false);
        const QString message = ErrorText::describe(tr("Retrying"), result.error());
        showError(message);
        Q_EMIT statusMessage(message);
        scheduleReload();
    });
}

void ConversationView::showDraftProgress(const QString &conversationId, const QString &messageId,
                                         const QString &text)
{
    if (conversationId.isEmpty() || conversationId != m_conversationId)
        return;
    m_streamingFor = messageId;
    m_streamingLabel->setText(text);
    if (m_messagesLayout->indexOf(m_streamingRow) < 0)
        m_messagesLayout->addWidget(m_streamingRow);
    m_streaming->show();
    m_streamingRow->show();
}

void ConversationView::hideStreaming()
{
    m_streamingFor.clear();
    m_streamingLabel->clear();
    m_streaming->hide();
    m_streamingRow->hide();
}

void ConversationView::showError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorBanner->setVisible(!message.isEmpty());
}

void ConversationView::clearError()
{
    showError(QString());
}

void ConversationView::clearMessages()
{
    for (QWidget *widget : std::as_const(m_items))
        dispose(widget);
    m_items.clear();
    while (QLayoutItem *item = m_messagesLayout->takeAt(0))
        delete item;
    m_olderButton->hide();
    m_emptyNote->hide();
}

void ConversationView::dispose(QWidget *widget)
{
    if (!widget)
        return;
    widget->hide();
    widget->deleteLater();
}

} // namespace relaydesk::ui
