#include "ui/draftcard.h"

#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace relaydesk::ui {

DraftCard::DraftCard(const Message &draft, QWidget *parent)
    : QFrame(parent)
    , m_draft(draft)
{
    setObjectName(QStringLiteral("draftCard"));
    setStyleSheet(
        QStringLiteral(
            "QFrame#draftCard { background: %1; border: 1px solid %2; border-radius: 14px; }"
            "QLabel#draftTitle { color: #92400e; font-weight: 600; }"
            "QLabel#draftMeta, QLabel#draftHint { color: %3; }"
            "QLabel#draftError { color: %4; background: %5; border-radius: 6px; padding: 6px; }"
            "QPlainTextEdit#draftEditor { background: white; border: 1px solid #fcd34d; "
            "border-radius: 8px; padding: 4px; color: #0f172a; }"
            "QPushButton#approveButton { background: %6; color: white; border: none; "
            "border-radius: 6px; padding: 6px 14px; font-weight: 600; }"
            "QPushButton#approveButton:disabled { background: #93c5fd; }"
            "QPushButton#rejectButton { background: white; color: #b91c1c; border: 1px solid "
            "#fca5a5; border-radius: 6px; padding: 6px 14px; }"
            "QPushButton#rejectButton:disabled { color: #fca5a5; }")
            .arg(Theme::css(Theme::draftBackground()), Theme::css(Theme::draftBorder()),
                 Theme::css(Theme::mutedText()), Theme::css(Theme::errorText()),
                 Theme::css(Theme::errorBackground()), Theme::css(Theme::accent())));

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(14, 12, 14, 12);
    column->setSpacing(8);

    auto *header = new QHBoxLayout;
    m_title = new QLabel(tr("AI draft waiting for your review"), this);
    m_title->setObjectName(QStringLiteral("draftTitle"));
    m_meta = new QLabel(this);
    m_meta->setObjectName(QStringLiteral("draftMeta"));
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(m_meta);
    column->addLayout(header);

    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("draftEditor"));
    m_editor->setPlainText(draft.content);
    m_editor->setTabChangesFocus(true);
    m_editor->setAccessibleName(tr("Draft reply"));
    const int lineHeight = m_editor->fontMetrics().lineSpacing();
    // Room for a typical reply; longer drafts scroll inside the editor.
    m_editor->setFixedHeight(lineHeight * 4 + 18);
    column->addWidget(m_editor);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("draftError"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();
    column->addWidget(m_error);

    auto *buttons = new QHBoxLayout;
    auto *hint = new QLabel(tr("Ctrl+Return approves and sends"), this);
    hint->setObjectName(QStringLiteral("draftHint"));
    m_reject = new QPushButton(tr("Reject"), this);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_reject->setToolTip(tr("Discard this draft; you can give a reason"));
    m_approve = new QPushButton(tr("Approve and send"), this);
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_approve->setToolTip(tr("Send this reply (with your edits) to the customer"));
    buttons->addWidget(hint);
    buttons->addStretch(1);
    buttons->addWidget(m_reject);
    buttons->addWidget(m_approve);
    column->addLayout(buttons);

    connect(m_approve, &QPushButton::clicked, this, &DraftCard::requestApprove);
    connect(m_reject, &QPushButton::clicked, this, [this] {
        if (!m_busy)
            Q_EMIT rejectRequested(m_draft.id);
    });
    connect(m_editor, &QPlainTextEdit::textChanged, this, &DraftCard::updateEditedMarker);
    // Scoped to the card so the composer's Ctrl+Return keeps meaning "send my reply".
    for (const QKeySequence &keys :
         {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *shortcut = new QShortcut(keys, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, &DraftCard::requestApprove);
    }
    setMessage(draft);
}

void DraftCard::setMessage(const Message &draft)
{
    const QString shownBefore = m_draft.content;
    m_draft = draft;
    if (m_editor->toPlainText() == shownBefore && shownBefore != draft.content)
        m_editor->setPlainText(draft.content);
    QStringList meta;
    const QString model = draft.metadata.value(QStringLiteral("model"));
    if (!draft.authorId.isEmpty())
        meta << (model.isEmpty() ? draft.authorId : draft.authorId + QLatin1Char('/') + model);
    meta << DisplayNames::messageTime(draft.createdAt);
    meta.removeAll(QString());
    m_meta->setText(meta.join(QStringLiteral("  ·  ")));
    updateEditedMarker();
}

QString DraftCard::editorText() const
{
    return m_editor->toPlainText();
}

bool DraftCard::isEdited() const
{
    return m_editor->toPlainText() != m_draft.content;
}

void DraftCard::setBusy(bool busy)
{
    m_busy = busy;
    m_approve->setEnabled(!busy);
    m_reject->setEnabled(!busy);
    m_editor->setReadOnly(busy);
}

void DraftCard::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void DraftCard::clearError()
{
    showError(QString());
}

void DraftCard::requestApprove()
{
    if (m_busy)
        return;
    const QString text = m_editor->toPlainText();
    // An empty edit would make the engine send the original draft, the opposite of what the
    // operator asked for.
    if (text.trimmed().isEmpty()) {
        showError(tr("The reply is empty. Write a reply or reject the draft."));
        return;
    }
    clearError();
    Q_EMIT approveRequested(m_draft.id, isEdited() ? text : QString());
}

void DraftCard::updateEditedMarker()
{
    m_title->setText(isEdited() ? tr("AI draft (edited) waiting for your review")
                                : tr("AI draft waiting for your review"));
}

} // namespace relaydesk::ui
