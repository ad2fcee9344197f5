#include "ui/draftcard.h"

#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

// The drafting note says why a draft waits for a person after this marker.
const QString kHeldMarker = QStringLiteral("held for review: ");

} // namespace

DraftCard::DraftCard(const Message &draft, QWidget *parent)
    : QFrame(parent)
    , m_draft(draft)
{
    setObjectName(QStringLiteral("draftCard"));
    setStyleSheet(
        QStringLiteral(
            "QFrame#draftCard { background: %1; border: 1px solid %2; border-radius: 14px; }"
            "QLabel#draftTitle { color: %7; font-weight: 600; }"
            "QLabel#draftMeta, QLabel#draftHint, QLabel#draftCounter { color: %3; }"
            "QLabel#draftError { color: %4; background: %5; border-radius: 6px; padding: 6px; }"
            "QLabel#draftFlags { color: %4; background: %5; border-radius: 6px; padding: 4px 8px; "
            "font-weight: 600; }"
            "QPlainTextEdit#draftEditor { background: %8; border: 1px solid %2; "
            "border-radius: 8px; padding: 4px; color: %9; }"
            "QPushButton#approveButton { background: %6; color: white; border: none; "
            "border-radius: 6px; padding: 6px 14px; font-weight: 600; }"
            "QPushButton#approveButton:disabled { background: %3; }"
            "QPushButton#rejectButton { background: transparent; color: %4; border: 1px solid "
            "%4; border-radius: 6px; padding: 6px 12px; }"
            "QPushButton#rejectButton:disabled, QPushButton#takeOverButton:disabled, "
            "QToolButton#regenerateButton:disabled { color: %3; border-color: %3; }"
            "QPushButton#takeOverButton, QToolButton#regenerateButton { background: transparent; "
            "color: %9; border: 1px solid %2; border-radius: 6px; padding: 6px 12px; }")
            .arg(Theme::css(Theme::draftBackground()), Theme::css(Theme::draftBorder()),
                 Theme::css(Theme::mutedText()), Theme::css(Theme::errorText()),
                 Theme::css(Theme::errorBackground()), Theme::css(Theme::accent()),
                 Theme::css(Theme::draftTitle()), Theme::css(Theme::surface()),
                 Theme::css(Theme::text())));

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(14, 12, 14, 12);
    column->setSpacing(8);

    auto *header = new QHBoxLayout;
    m_title = new QLabel(tr("AI draft waiting for your review"), this);
    m_title->setObjectName(QStringLiteral("draftTitle"));
    m_meta = new QLabel(this);
    m_meta->setObjectName(QStringLiteral("draftMeta"));
    m_meta->setTextFormat(Qt::PlainText);
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(m_meta);
    column->addLayout(header);

    m_flags = new QLabel(this);
    m_flags->setObjectName(QStringLiteral("draftFlags"));
    m_flags->setWordWrap(true);
    m_flags->setTextFormat(Qt::PlainText);
    m_flags->hide();
    column->addWidget(m_flags);

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
    buttons->setSpacing(6);
    auto *hint = new QLabel(tr("Ctrl+Return approves and sends"), this);
    hint->setObjectName(QStringLiteral("draftHint"));
    // The hint gives way first when the card is narrow; the buttons never do.
    hint->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    hint->setMinimumWidth(0);
    m_counter = new QLabel(this);
    m_counter->setObjectName(QStringLiteral("draftCounter"));
    m_takeOver = new QPushButton(tr("Take over"), this);
    m_takeOver->setObjectName(QStringLiteral("takeOverButton"));
    m_takeOver->setToolTip(tr("Switch this conversation to manual replies; the AI stops drafting"));
    m_regenerate = new QToolButton(this);
    m_regenerate->setObjectName(QStringLiteral("regenerateButton"));
    m_regenerate->setText(tr("Regenerate"));
    m_regenerate->setToolTip(tr("Write a new draft, optionally with an instruction (G)"));
    m_regenerate->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new QMenu(m_regenerate);
    menu->setObjectName(QStringLiteral("regenerateMenu"));
    const QList<std::pair<QString, QString>> presets{
        {tr("Again"), QString()},
        {tr("Shorter"), QStringLiteral("Make the reply shorter.")},
        {tr("More formal"), QStringLiteral("Use a more formal tone.")},
        {tr("Friendlier"), QStringLiteral("Use a warmer, friendlier tone.")},
    };
    for (const auto &[label, instruction] : presets) {
        QAction *action = menu->addAction(label);
        connect(action, &QAction::triggered, this, [this, instruction = instruction] {
            if (!m_busy)
                Q_EMIT regenerateRequested(m_draft.id, instruction);
        });
    }
    menu->addSeparator();
    QAction *custom = menu->addAction(tr("With an instruction…"));
    custom->setObjectName(QStringLiteral("regenerateCustomAction"));
    connect(custom, &QAction::triggered, this, &DraftCard::askInstruction);
    m_regenerate->setMenu(menu);
    m_reject = new QPushButton(tr("Reject"), this);
    m_reject->setObjectName(QStringLiteral("rejectButton"));
    m_reject->setToolTip(tr("Discard this draft; you can give a reason"));
    m_approve = new QPushButton(tr("Approve and send"), this);
    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_approve->setToolTip(tr("Send this reply (with your edits) to the customer"));
    buttons->addWidget(hint);
    buttons->addWidget(m_counter);
    buttons->addStretch(1);
    buttons->addWidget(m_takeOver);
    buttons->addWidget(m_regenerate);
    buttons->addWidget(m_reject);
    buttons->addWidget(m_approve);
    column->addLayout(buttons);

    connect(m_approve, &QPushButton::clicked, this, &DraftCard::requestApprove);
    connect(m_reject, &QPushButton::clicked, this, [this] {
        if (!m_busy)
            Q_EMIT rejectRequested(m_draft.id);
    });
    connect(m_takeOver, &QPushButton::clicked, this, [this] {
        if (!m_busy)
            Q_EMIT takeOverRequested(m_draft.id);
    });
    connect(m_editor, &QPlainTextEdit::textChanged, this, &DraftCard::updateEditedMarker);
    setMessage(draft);
}

void DraftCard::setMessage(const Message &draft, const QString &note)
{
    const QString shownBefore = m_draft.content;
    m_draft = draft;
    if (m_editor->toPlainText() == shownBefore && shownBefore != draft.content)
        m_editor->setPlainText(draft.content);
    QStringList meta;
    const QString provider = draft.metadata.value(QStringLiteral("provider"), draft.authorId);
    const QString model = draft.metadata.value(QStringLiteral("model"));
    if (!provider.isEmpty())
        meta << (model.isEmpty() ? provider : provider + QLatin1Char('/') + model);
    meta << DisplayNames::messageTime(draft.createdAt);
    meta.removeAll(QString());
    m_meta->setText(meta.join(QStringLiteral("  ·  ")));
    const qsizetype held = note.indexOf(kHeldMarker);
    if (held >= 0) {
        m_flags->setText(tr("Held for review: %1").arg(note.mid(held + kHeldMarker.size())));
        m_flags->show();
    } else {
        m_flags->hide();
    }
    updateEditedMarker();
}

void DraftCard::setPlatformLimit(int limit)
{
    m_limit = limit;
    updateEditedMarker();
}

QString DraftCard::flagText() const
{
    return m_flags->isHidden() ? QString() : m_flags->text();
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
    for (QWidget *control :
         {static_cast<QWidget *>(m_approve), static_cast<QWidget *>(m_reject),
          static_cast<QWidget *>(m_regenerate), static_cast<QWidget *>(m_takeOver)})
        control->setEnabled(!busy);
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
    if (m_limit > 0 && text.size() > m_limit) {
        showError(tr("The reply is %1 characters too long for this platform.")
                      .arg(text.size() - m_limit));
        return;
    }
    clearError();
    Q_EMIT approveRequested(m_draft.id, isEdited() ? text : QString());
}

void DraftCard::askInstruction()
{
    if (m_busy)
        return;
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("regenerateDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Regenerate draft"));
    dialog->setLabelText(tr("How should the new draft differ? (for example: mention the "
                            "tracking link, apologise for the delay)"));
    dialog->setInputMode(QInputDialog::TextInput);
    dialog->setOkButtonText(tr("Regenerate"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this](const QString &instruction) {
        if (!m_busy)
            Q_EMIT regenerateRequested(m_draft.id, instruction.trimmed());
    });
    dialog->open();
}

void DraftCard::updateEditedMarker()
{
    m_title->setText(isEdited() ? tr("AI draft (edited) waiting for your review")
                                : tr("AI draft waiting for your review"));
    const int used = int(m_editor->toPlainText().size());
    const QLocale locale;
    m_counter->setText(m_limit > 0
                           ? tr("%1 / %2").arg(locale.toString(used), locale.toString(m_limit))
                           : QString());
    m_counter->setStyleSheet(
        m_limit > 0 && used > m_limit
            ? QStringLiteral("color: %1; font-weight: 600;").arg(Theme::css(Theme::errorText()))
            : QString());
}

} // namespace relaydesk::ui
