#include "ui/conversationview.h"

#include "engine/engine.h"
#include "storage/conversationrepository.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/draftcard.h"
#include "ui/errortext.h"
#include "ui/messagebubble.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

// The approval event carries an operator's edit as "<actor> (edited): <text>" (messages are
// immutable, so this is the only record of what was really sent).
const QString kEditedMarker = QStringLiteral(" (edited): ");

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
    // The newest event's detail for failed, dead-lettered and rejected messages.
    QHash<QString, QString> stateDetails;
    // The text the operator approved in place of an AI draft.
    QHash<QString, QString> sentContents;
};

ConversationView::ConversationView(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
    , m_operatorName(defaultOperatorName())
{
    setObjectName(QStringLiteral("conversationView"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(kDebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &ConversationView::reload);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);

    // Page 0: nothing selected.
    auto *placeholder = new QLabel(
        tr("Select a conversation in the inbox to read it and answer the customer."), m_pages);
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
        QStringLiteral("QWidget#conversationHeader { background: white; border-bottom: 1px solid "
                       "%1; } QLabel#conversationTitle { color: #0f172a; } "
                       "QLabel#conversationSubtitle { color: %2; }")
            .arg(Theme::css(Theme::separator()), Theme::css(Theme::mutedText())));
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
        QStringLiteral("QWidget#errorBanner { background: %1; border-bottom: 1px solid #fca5a5; }"
                       "QLabel { color: %2; } QToolButton { color: %2; border: none; }")
            .arg(Theme::css(Theme::errorBackground()), Theme::css(Theme::errorText())));
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
    m_truncatedNote =
        new QLabel(tr("Showing the newest %1 messages of this conversation.").arg(kMessageLimit),
                   m_messagesHost);
    m_truncatedNote->setAlignment(Qt::AlignCenter);
    m_truncatedNote->setStyleSheet(
        QStringLiteral("color: %1;").arg(Theme::css(Theme::mutedText())));
    m_truncatedNote->hide();
    m_emptyNote = new QLabel(tr("No messages in this conversation yet."), m_messagesHost);
    m_emptyNote->setAlignment(Qt::AlignCenter);
    m_emptyNote->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::css(Theme::mutedText())));
    m_emptyNote->hide();
    m_scroll->setWidget(m_messagesHost);
    column->addWidget(m_scroll, 1);

    // Follow new messages only while the operator is reading the end of the conversation.
    QScrollBar *bar = m_scroll->verticalScrollBar();
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int maximum) {
        if (m_stickToBottom)
            bar->setValue(maximum);
    });
    connect(bar, &QScrollBar::valueChanged, this,
            [this, bar](int value) { m_stickToBottom = value >= bar->maximum() - 24; });

    auto *composerBox = new QWidget(page);
    composerBox->setObjectName(QStringLiteral("composerBox"));
    composerBox->setAttribute(Qt::WA_StyledBackground);
    composerBox->setStyleSheet(
        QStringLiteral(
            "QWidget#composerBox { background: white; border-top: 1px solid %1; }"
            "QPlainTextEdit#composerEdit { border: 1px solid #cbd5e1; border-radius: 8px; "
            "padding: 4px; background: white; color: #0f172a; }"
            "QPlainTextEdit#composerEdit:focus { border-color: %2; }"
            "QPushButton#sendButton { background: %2; color: white; border: none; "
            "border-radius: 6px; padding: 7px 18px; font-weight: 600; }"
            "QPushButton#sendButton:disabled { background: #cbd5e1; }"
            "QLabel#composerHint { color: %3; }")
            .arg(Theme::css(Theme::separator()), Theme::css(Theme::accent()),
                 Theme::css(Theme::mutedText())));
    auto *composerLayout = new QHBoxLayout(composerBox);
    composerLayout->setContentsMargins(20, 12, 20, 12);
    composerLayout->setSpacing(12);
    m_composer = new QPlainTextEdit(composerBox);
    m_composer->setObjectName(QStringLiteral("composerEdit"));
    m_composer->setPlaceholderText(tr("Write a reply to the customer…"));
    m_composer->setAccessibleName(tr("Reply"));
    m_composer->setTabChangesFocus(true);
    const int lineHeight = m_composer->fontMetrics().lineSpacing();
    m_composer->setFixedHeight(lineHeight * 3 + 18);
    auto *sendColumn = new QVBoxLayout;
    sendColumn->setSpacing(4);
    m_sendButton = new QPushButton(tr("Send"), composerBox);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setToolTip(tr("Send this reply to the customer (Ctrl+Return)"));
    auto *hint = new QLabel(tr("Ctrl+Return"), composerBox);
    hint->setObjectName(QStringLiteral("composerHint"));
    hint->setAlignment(Qt::AlignCenter);
    sendColumn->addStretch(1);
    sendColumn->addWidget(m_sendButton);
    sendColumn->addWidget(hint);
    composerLayout->addWidget(m_composer, 1);
    composerLayout->addLayout(sendColumn);
    column->addWidget(composerBox);
    m_pages->addWidget(page);

    connect(m_sendButton, &QPushButton::clicked, this, &ConversationView::sendReply);
    connect(m_composer, &QPlainTextEdit::textChanged, this, &ConversationView::updateComposerState);
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, m_composer);
        shortcut->setContext(Qt::WidgetShortcut);
        connect(shortcut, &QShortcut::activated, this, &ConversationView::sendReply);
    }

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

    m_pages->setCurrentIndex(0);
    updateComposerState();
}

ConversationView::~ConversationView() = default;

void ConversationView::setOperatorName(const QString &name)
{
    m_operatorName = name.trimmed().isEmpty() ? defaultOperatorName() : name.trimmed();
}

void ConversationView::showConversation(const QString &conversationId)
{
    if (conversationId == m_conversationId)
        return;
    if (!m_conversationId.isEmpty())
        m_composerDrafts.insert(m_conversationId, m_composer->toPlainText());
    m_conversationId = conversationId;
    ++m_generation;
    m_debounce.stop();
    clearMessages();
    clearError();
    m_composer->setPlainText(m_composerDrafts.take(conversationId));
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

QString ConversationView::errorText() const
{
    return m_errorBanner->isHidden() ? QString() : m_errorLabel->text();
}

void ConversationView::scheduleReload()
{
    if (!m_debounce.isActive())
        m_debounce.start();
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
    whenReady(m_engine->read<Snapshot>([id](QSqlDatabase &db) -> Outcome<Snapshot> {
        Snapshot snapshot;
        auto conversation = ConversationRepository(db).get(id);
        if (!conversation.isOk())
            return conversation.error();
        snapshot.conversation = conversation.value();
        MessageRepository messages(db);
        auto recent = messages.recent(id, kMessageLimit);
        if (!recent.isOk())
            return recent.error();
        snapshot.messages = recent.value();
        for (const Message &m : std::as_const(snapshot.messages)) {
            const bool explain = isState(m, EventType::Failed) ||
                                 isState(m, EventType::DeadLettered) ||
                                 isState(m, EventType::Rejected);
            const bool mayBeEdited = m.authorKind == AuthorKind::Ai &&
                                     !isState(m, EventType::Drafted) &&
                                     !isState(m, EventType::Rejected);
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
                      if (result.isOk())
                          apply(result.value());
                      else
                          showError(
                              ErrorText::describe(tr("Loading the conversation"), result.error()));
                  }
                  if (m_reloadAgain || !current) {
                      m_reloadAgain = false;
                      reload();
                  }
              });
}

void ConversationView::apply(const Snapshot &snapshot)
{
    updateHeader(snapshot.conversation);

    QHash<QString, QWidget *> previous = std::move(m_items);
    m_items.clear();
    QList<QWidget *> ordered;
    for (const Message &m : snapshot.messages) {
        QWidget *existing = previous.take(m.id);
        QWidget *widget = nullptr;
        if (m.authorKind == AuthorKind::Ai && isState(m, EventType::Drafted)) {
            auto *card = qobject_cast<DraftCard *>(existing);
            if (card) {
                card->setMessage(m);
            } else {
                dispose(existing);
                card = new DraftCard(m, m_messagesHost);
                connect(card, &DraftCard::approveRequested, this, &ConversationView::approveDraft);
                connect(card, &DraftCard::rejectRequested, this,
                        &ConversationView::askRejectReason);
            }
            widget = card;
        } else {
            QString detail = snapshot.stateDetails.value(m.id);
            if (!detail.isEmpty()) {
                if (isState(m, EventType::Rejected))
                    detail = tr("Rejected by %1").arg(detail);
                else if (m.direction == Direction::Inbound)
                    detail = tr("Drafting a reply failed: %1").arg(detail);
                else
                    detail = tr("Delivery failed: %1").arg(detail);
            }
            auto *bubble = qobject_cast<MessageBubble *>(existing);
            if (!bubble) {
                dispose(existing);
                bubble = new MessageBubble(m, m_messagesHost);
            }
            bubble->setMessage(m, detail, snapshot.sentContents.value(m.id));
            widget = bubble;
        }
        m_items.insert(m.id, widget);
        ordered << widget;
    }
    for (QWidget *gone : std::as_const(previous))
        dispose(gone);

    // Rebuild the layout order; the widgets themselves survive.
    while (QLayoutItem *item = m_messagesLayout->takeAt(0))
        delete item;
    m_messagesLayout->addStretch(1);
    m_truncatedNote->setVisible(snapshot.messages.size() >= kMessageLimit);
    m_messagesLayout->addWidget(m_truncatedNote);
    m_emptyNote->setVisible(snapshot.messages.isEmpty());
    m_messagesLayout->addWidget(m_emptyNote);
    for (QWidget *widget : std::as_const(ordered)) {
        m_messagesLayout->addWidget(widget);
        widget->show();
    }
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
    m_subtitle->setText(parts.join(QStringLiteral("  ·  ")));
}

void ConversationView::updateComposerState()
{
    m_composer->setReadOnly(m_sending);
    m_composer->setEnabled(!m_conversationId.isEmpty());
    m_sendButton->setEnabled(!m_conversationId.isEmpty() && !m_sending &&
                             !m_composer->toPlainText().trimmed().isEmpty());
}

void ConversationView::sendReply()
{
    const QString text = m_composer->toPlainText().trimmed();
    if (m_conversationId.isEmpty() || m_sending || text.isEmpty())
        return;
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
                      if (sameConversation && m_composer->toPlainText().trimmed() == text)
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
    m_truncatedNote->hide();
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
