#include "ui/contextpanel.h"

#include "engine/engine.h"
#include "storage/messagerepository.h"
#include "ui/displaynames.h"
#include "ui/errortext.h"
#include "ui/theme.h"
#include "ui/whenready.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

constexpr int kChipColumns = 3;
// Inbound metadata that identifies the customer on their platform, shown first.
const QStringList kPreferredIds{QStringLiteral("chat_id"),    QStringLiteral("username"),
                                QStringLiteral("channel_id"), QStringLiteral("from"),
                                QStringLiteral("to"),         QStringLiteral("message_id")};

QString localTime(const QDateTime &at)
{
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : QString();
}

} // namespace

ContextPanel::ContextPanel(Engine *engine, QWidget *parent)
    : QWidget(parent)
    , m_engine(engine)
{
    setObjectName(QStringLiteral("contextPanel"));
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(100);
    connect(&m_debounce, &QTimer::timeout, this, &ContextPanel::reload);
    build();
    const auto mine = [this](const QString &conversationId) {
        if (!m_conversationId.isEmpty() && conversationId == m_conversationId &&
            !m_debounce.isActive())
            m_debounce.start();
    };
    connect(engine, &Engine::conversationChanged, this, mine);
    connect(engine, &Engine::messageAdded, this,
            [mine](const QString &conversationId, const QString &) { mine(conversationId); });
}

QLabel *ContextPanel::sectionTitle(const QString &text)
{
    auto *label = new QLabel(text.toUpper(), this);
    label->setProperty("role", QStringLiteral("section"));
    QFont font = label->font();
    if (font.pointSizeF() > 0)
        font.setPointSizeF(std::max(7.0, font.pointSizeF() - 1.5));
    font.setLetterSpacing(QFont::AbsoluteSpacing, 0.6);
    label->setFont(font);
    return label;
}

QLabel *ContextPanel::valueLabel()
{
    auto *label = new QLabel(this);
    label->setProperty("role", QStringLiteral("value"));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

void ContextPanel::build()
{
    setStyleSheet(Theme::panelStyle(QStringLiteral("contextContent")) +
                  QStringLiteral("QLabel#contextTitle { color: %1; font-weight: 700; }"
                                 "QLabel#contextFlag { color: %2; background: %3; "
                                 "border-radius: 6px; padding: 6px; }"
                                 "QToolButton[role=\"aiMode\"] { border: 1px solid %4; padding: "
                                 "4px 10px; background: %5; color: %1; }"
                                 "QToolButton[role=\"aiMode\"]:checked { background: %6; color: "
                                 "white; border-color: %6; }"
                                 "QToolButton#labelChip { border: 1px solid %4; border-radius: "
                                 "10px; padding: 1px 8px; background: %7; color: %1; }")
                      .arg(Theme::css(Theme::text()), Theme::css(Theme::errorText()),
                           Theme::css(Theme::errorBackground()), Theme::css(Theme::inputBorder()),
                           Theme::css(Theme::surface()), Theme::css(Theme::accent()),
                           Theme::css(Theme::windowBackground())));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    outer->addWidget(m_pages);

    auto *none = new QLabel(tr("Open a conversation to see its details."), m_pages);
    none->setAlignment(Qt::AlignCenter);
    none->setWordWrap(true);
    none->setStyleSheet(QStringLiteral("color: %1; background: %2; padding: 24px;")
                            .arg(Theme::css(Theme::mutedText()), Theme::css(Theme::surface())));
    m_pages->addWidget(none);

    auto *scroll = new QScrollArea(m_pages);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *content = new QWidget(scroll);
    content->setObjectName(QStringLiteral("contextContent"));
    content->setAttribute(Qt::WA_StyledBackground);
    m_column = new QVBoxLayout(content);
    m_column->setContentsMargins(14, 12, 14, 14);
    m_column->setSpacing(6);

    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("contextTitle"));
    m_title->setWordWrap(true);
    m_title->setTextFormat(Qt::PlainText);
    QFont titleFont = m_title->font();
    if (titleFont.pointSizeF() > 0)
        titleFont.setPointSizeF(titleFont.pointSizeF() + 2);
    m_title->setFont(titleFont);
    m_subtitle = new QLabel(content);
    m_subtitle->setProperty("role", QStringLiteral("muted"));
    m_column->addWidget(m_title);
    m_column->addWidget(m_subtitle);

    m_flag = new QLabel(content);
    m_flag->setObjectName(QStringLiteral("contextFlag"));
    m_flag->setWordWrap(true);
    m_flag->setTextFormat(Qt::PlainText);
    m_clearFlag = new QPushButton(tr("Clear flag"), content);
    m_clearFlag->setObjectName(QStringLiteral("clearFlagButton"));
    m_clearFlag->setToolTip(
        tr("The conversation was checked; AI drafts may follow its mode again"));
    connect(m_clearFlag, &QPushButton::clicked, this, &ContextPanel::clearFlag);
    m_column->addWidget(m_flag);
    m_column->addWidget(m_clearFlag, 0, Qt::AlignLeft);

    m_column->addWidget(sectionTitle(tr("Status")));
    m_statusValue = valueLabel();
    m_column->addWidget(m_statusValue);
    auto *statusRow = new QHBoxLayout;
    m_resolve = new QPushButton(tr("Resolve"), content);
    m_resolve->setObjectName(QStringLiteral("resolveButton"));
    m_resolve->setToolTip(tr("Mark the conversation as resolved (Ctrl+Shift+R)"));
    m_resolve->setProperty("role", QStringLiteral("primary"));
    m_reopen = new QPushButton(tr("Reopen"), content);
    m_reopen->setObjectName(QStringLiteral("reopenButton"));
    m_archive = new QPushButton(tr("Archive"), content);
    m_archive->setObjectName(QStringLiteral("archiveButton"));
    statusRow->addWidget(m_resolve);
    statusRow->addWidget(m_reopen);
    statusRow->addWidget(m_archive);
    statusRow->addStretch(1);
    m_column->addLayout(statusRow);
    connect(m_resolve, &QPushButton::clicked, this,
            [this] { setStatus(ConversationStatus::Resolved); });
    connect(m_reopen, &QPushButton::clicked, this, [this] { setStatus(ConversationStatus::Open); });
    connect(m_archive, &QPushButton::clicked, this,
            [this] { setStatus(ConversationStatus::Archived); });

    m_column->addWidget(sectionTitle(tr("Priority")));
    m_priority = new QComboBox(content);
    m_priority->setObjectName(QStringLiteral("contextPriority"));
    m_priority->setAccessibleName(tr("Priority"));
    for (Priority priority : {Priority::Urgent, Priority::High, Priority::Normal, Priority::Low})
        m_priority->addItem(DisplayNames::priority(priority), int(priority));
    m_priority->setToolTip(tr("Keys 1 to 4 set the priority from low to urgent"));
    connect(m_priority, &QComboBox::activated, this,
            [this] { setPriority(Priority(m_priority->currentData().toInt())); });
    m_column->addWidget(m_priority);

    m_column->addWidget(sectionTitle(tr("AI mode")));
    auto *modes = new QHBoxLayout;
    modes->setSpacing(0);
    m_aiModes = new QButtonGroup(this);
    m_aiModes->setExclusive(true);
    const QList<std::pair<AiMode, QString>> modeNames{
        {AiMode::Auto, tr("Auto")}, {AiMode::Review, tr("Review")}, {AiMode::Manual, tr("Manual")}};
    for (const auto &[mode, name] : modeNames) {
        auto *button = new QToolButton(content);
        button->setObjectName(QStringLiteral("aiMode_") + toString(mode));
        button->setText(name);
        button->setCheckable(true);
        button->setProperty("role", QStringLiteral("aiMode"));
        button->setToolTip(DisplayNames::aiMode(mode));
        button->setAccessibleName(tr("AI mode: %1").arg(DisplayNames::aiMode(mode)));
        button->setFocusPolicy(Qt::StrongFocus);
        m_aiModes->addButton(button, int(mode));
        modes->addWidget(button);
    }
    modes->addStretch(1);
    m_column->addLayout(modes);
    connect(m_aiModes, &QButtonGroup::idClicked, this, [this](int id) { setAiMode(AiMode(id)); });

    m_column->addWidget(sectionTitle(tr("Assignee")));
    auto *assigneeRow = new QHBoxLayout;
    m_assignee = new QComboBox(content);
    m_assignee->setObjectName(QStringLiteral("contextAssignee"));
    m_assignee->setEditable(true);
    m_assignee->setInsertPolicy(QComboBox::NoInsert);
    m_assignee->setAccessibleName(tr("Assignee"));
    m_assignee->lineEdit()->setPlaceholderText(tr("Nobody"));
    m_assignMe = new QPushButton(tr("Assign to me"), content);
    m_assignMe->setObjectName(QStringLiteral("assignMeButton"));
    assigneeRow->addWidget(m_assignee, 1);
    assigneeRow->addWidget(m_assignMe);
    m_column->addLayout(assigneeRow);
    connect(m_assignee->lineEdit(), &QLineEdit::editingFinished, this, [this] {
        if (!m_updatingControls && m_assignee->currentText().trimmed() != m_conversation.assignee)
            setAssignee(m_assignee->currentText().trimmed());
    });
    connect(m_assignee, &QComboBox::activated, this,
            [this] { setAssignee(m_assignee->currentText().trimmed()); });
    connect(m_assignMe, &QPushButton::clicked, this, [this] { setAssignee(m_operatorName); });

    m_column->addWidget(sectionTitle(tr("Labels")));
    m_labelsBox = new QWidget(content);
    m_labelsLayout = new QGridLayout(m_labelsBox);
    m_labelsLayout->setContentsMargins(0, 0, 0, 0);
    m_labelsLayout->setSpacing(4);
    m_column->addWidget(m_labelsBox);
    m_labelEdit = new QLineEdit(content);
    m_labelEdit->setObjectName(QStringLiteral("addLabelEdit"));
    m_labelEdit->setPlaceholderText(tr("Add a label and press Return"));
    m_labelEdit->setAccessibleName(tr("New label"));
    m_labelEdit->setClearButtonEnabled(true);
    connect(m_labelEdit, &QLineEdit::returnPressed, this, [this] {
        addLabel(m_labelEdit->text());
        m_labelEdit->clear();
    });
    m_column->addWidget(m_labelEdit);

    m_column->addWidget(sectionTitle(tr("Participants")));
    m_participants = valueLabel();
    m_participants->setObjectName(QStringLiteral("contextParticipants"));
    m_column->addWidget(m_participants);

    m_column->addWidget(sectionTitle(tr("Platform ids")));
    m_platformIdsLabel = valueLabel();
    m_platformIdsLabel->setObjectName(QStringLiteral("contextPlatformIds"));
    m_column->addWidget(m_platformIdsLabel);

    m_column->addWidget(sectionTitle(tr("Details")));
    m_details = valueLabel();
    m_details->setObjectName(QStringLiteral("contextDetails"));
    m_column->addWidget(m_details);
    m_column->addStretch(1);

    scroll->setWidget(content);
    m_pages->addWidget(scroll);
    m_pages->setCurrentIndex(0);
}

QToolButton *ContextPanel::aiModeButton(AiMode mode) const
{
    return qobject_cast<QToolButton *>(m_aiModes->button(int(mode)));
}

QString ContextPanel::platformIdsText() const
{
    return m_platformIdsLabel->text();
}

void ContextPanel::setConversation(const QString &conversationId)
{
    if (conversationId == m_conversationId)
        return;
    m_conversationId = conversationId;
    m_conversation = Conversation();
    m_platformIds.clear();
    ++m_generation;
    m_pages->setCurrentIndex(conversationId.isEmpty() ? 0 : 1);
    if (!conversationId.isEmpty()) {
        m_title->setText(tr("Loading…"));
        reload();
    }
}

void ContextPanel::reload()
{
    if (m_conversationId.isEmpty())
        return;
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
        auto inbound = MessageRepository(db).lastInbound(id);
        if (!inbound.isOk())
            return inbound.error();
        if (inbound.value())
            snapshot.platformIds = inbound.value()->metadata;
        return snapshot;
    }),
              this, [this, generation](const Outcome<Snapshot> &result) {
                  m_loading = false;
                  if (generation == m_generation) {
                      if (result.isOk())
                          apply(result.value());
                      else
                          Q_EMIT statusMessage(ErrorText::describe(
                              tr("Loading the conversation details"), result.error()));
                  }
                  if (m_reloadAgain || generation != m_generation) {
                      m_reloadAgain = false;
                      reload();
                  }
              });
}

void ContextPanel::apply(const Snapshot &snapshot)
{
    m_conversation = snapshot.conversation;
    m_platformIds = snapshot.platformIds;
    const Conversation &c = m_conversation;
    m_updatingControls = true;

    const QString who = c.participants.join(QStringLiteral(", "));
    m_title->setText(who.isEmpty() ? tr("Unknown customer") : who);
    m_subtitle->setText(DisplayNames::platform(c.platform));
    m_flag->setVisible(c.flagged);
    m_clearFlag->setVisible(c.flagged);
    m_flag->setText(c.flagReason.isEmpty() ? tr("Flagged for review")
                                           : tr("Flagged for review: %1").arg(c.flagReason));

    m_statusValue->setText(DisplayNames::conversationStatus(c.status));
    m_resolve->setEnabled(c.status != ConversationStatus::Resolved);
    m_reopen->setEnabled(c.status == ConversationStatus::Resolved ||
                         c.status == ConversationStatus::Archived);
    m_archive->setEnabled(c.status != ConversationStatus::Archived);
    m_priority->setCurrentIndex(m_priority->findData(int(c.priority)));
    if (QAbstractButton *mode = m_aiModes->button(int(c.aiMode)))
        mode->setChecked(true);

    m_assignee->clear();
    QStringList people{m_operatorName};
    if (!c.assignee.isEmpty() && c.assignee != m_operatorName)
        people.prepend(c.assignee);
    people.removeAll(QString());
    m_assignee->addItems(people);
    m_assignee->setEditText(c.assignee);
    m_assignMe->setEnabled(!m_operatorName.isEmpty() && c.assignee != m_operatorName);

    rebuildLabels();
    m_participants->setText(c.participants.isEmpty() ? tr("Nobody yet")
                                                     : c.participants.join(QLatin1Char('\n')));
    QStringList ids;
    QStringList keys = m_platformIds.keys();
    std::stable_sort(keys.begin(), keys.end(), [](const QString &a, const QString &b) {
        const qsizetype ia = kPreferredIds.indexOf(a);
        const qsizetype ib = kPreferredIds.indexOf(b);
        return (ia < 0 ? kPreferredIds.size() : ia) < (ib < 0 ? kPreferredIds.size() : ib);
    });
    for (const QString &key : std::as_const(keys))
        ids << key + QStringLiteral(": ") + m_platformIds.value(key);
    ids.prepend(tr("Thread key: %1").arg(c.threadKey));
    m_platformIdsLabel->setText(ids.join(QLatin1Char('\n')));
    m_details->setText(QStringList{tr("Conversation: %1").arg(c.id),
                                   tr("Started: %1").arg(localTime(c.createdAt)),
                                   tr("Last activity: %1").arg(localTime(c.lastActivityAt)),
                                   tr("Drafts waiting: %1").arg(c.pendingDrafts)}
                           .join(QLatin1Char('\n')));
    m_updatingControls = false;
    Q_EMIT loaded(c.id);
}

void ContextPanel::rebuildLabels()
{
    qDeleteAll(m_labelChips);
    m_labelChips.clear();
    int index = 0;
    for (const QString &label : std::as_const(m_conversation.labels)) {
        auto *chip = new QToolButton(m_labelsBox);
        chip->setObjectName(QStringLiteral("labelChip"));
        chip->setText(label + QStringLiteral("  ×"));
        chip->setToolTip(tr("Remove the label %1").arg(label));
        chip->setAccessibleName(tr("Remove label %1").arg(label));
        chip->setProperty("label", label);
        connect(chip, &QToolButton::clicked, this, [this, label] { removeLabel(label); });
        m_labelsLayout->addWidget(chip, index / kChipColumns, index % kChipColumns, Qt::AlignLeft);
        m_labelChips << chip;
        ++index;
    }
    m_labelsBox->setVisible(!m_labelChips.isEmpty());
}

void ContextPanel::update(const ConversationPatch &patch, const QString &done)
{
    if (m_conversationId.isEmpty() || m_updatingControls)
        return;
    ++m_busy;
    const QString id = m_conversationId;
    whenReady(m_engine->updateConversation(id, patch), this,
              [this, id, done](const Outcome<Conversation> &result) {
                  --m_busy;
                  if (!result.isOk()) {
                      Q_EMIT statusMessage(
                          ErrorText::describe(tr("Updating the conversation"), result.error()));
                      reload();
                      return;
                  }
                  Q_EMIT statusMessage(done);
                  if (id == m_conversationId)
                      reload();
              });
}

void ContextPanel::setStatus(ConversationStatus status)
{
    ConversationPatch patch;
    patch.status = status;
    update(patch,
           tr("Conversation is now %1.").arg(DisplayNames::conversationStatus(status).toLower()));
}

void ContextPanel::setPriority(Priority priority)
{
    ConversationPatch patch;
    patch.priority = priority;
    update(patch, tr("Priority set to %1.").arg(DisplayNames::priority(priority)));
}

void ContextPanel::setAiMode(AiMode mode)
{
    ConversationPatch patch;
    patch.aiMode = mode;
    update(patch, tr("AI mode: %1.").arg(DisplayNames::aiMode(mode)));
}

void ContextPanel::setAssignee(const QString &assignee)
{
    if (assignee == m_conversation.assignee)
        return;
    ConversationPatch patch;
    patch.assignee = assignee;
    update(patch, assignee.isEmpty() ? tr("Nobody is assigned now.")
                                     : tr("Assigned to %1.").arg(assignee));
}

void ContextPanel::addLabel(const QString &label)
{
    const QString trimmed = label.trimmed();
    if (trimmed.isEmpty() || m_conversation.labels.contains(trimmed))
        return;
    ConversationPatch patch;
    patch.labels = m_conversation.labels + QStringList{trimmed};
    update(patch, tr("Label %1 added.").arg(trimmed));
}

void ContextPanel::removeLabel(const QString &label)
{
    if (!m_conversation.labels.contains(label))
        return;
    QStringList labels = m_conversation.labels;
    labels.removeAll(label);
    ConversationPatch patch;
    patch.labels = labels;
    update(patch, tr("Label %1 removed.").arg(label));
}

void ContextPanel::clearFlag()
{
    ConversationPatch patch;
    patch.flagged = false;
    update(patch, tr("Flag cleared."));
}

} // namespace relaydesk::ui
