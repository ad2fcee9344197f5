#include "ui/composer.h"

#include "engine/engine.h"
#include "ui/composeredit.h"
#include "ui/theme.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QStyle>
#include <QTextBlock>
#include <QToolButton>
#include <QVBoxLayout>

namespace relaydesk::ui {

namespace {

constexpr int kNameRole = Qt::UserRole + 1;
// The counter turns amber this close to the limit.
constexpr double kWarnShare = 0.9;

} // namespace

Composer::Composer(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("composerBox"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(
        QStringLiteral("QWidget#composerBox { background: %1; border-top: 1px solid %2; }"
                       "QPlainTextEdit#composerEdit { border: 1px solid %3; border-radius: 8px; "
                       "padding: 4px; background: %1; color: %4; }"
                       "QPlainTextEdit#composerEdit:focus { border-color: %5; }"
                       "QPlainTextEdit#composerEdit[note=\"true\"] { background: %7; "
                       "border-color: %8; }"
                       "QToolButton#noteToggle { border: 1px solid %3; border-radius: 6px; "
                       "padding: 3px 8px; color: %6; }"
                       "QToolButton#noteToggle:checked { background: %7; border-color: %8; "
                       "color: %4; font-weight: 600; }"
                       "QPushButton#sendButton { background: %5; color: white; border: none; "
                       "border-radius: 6px; padding: 7px 18px; font-weight: 600; }"
                       "QPushButton#sendButton:disabled { background: %3; }"
                       "QLabel#composerHint, QLabel#composerCounter { color: %6; }")
            .arg(Theme::css(Theme::surface()), Theme::css(Theme::separator()),
                 Theme::css(Theme::inputBorder()), Theme::css(Theme::text()),
                 Theme::css(Theme::accent()), Theme::css(Theme::mutedText()),
                 Theme::css(Theme::noteBackground()), Theme::css(Theme::noteBorder())));

    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(20, 12, 20, 12);
    row->setSpacing(12);
    m_editor = new ComposerEdit(this);
    m_editor->setObjectName(QStringLiteral("composerEdit"));
    m_editor->setPlaceholderText(
        tr("Write a reply to the customer… (type / for canned responses)"));
    m_editor->setAccessibleName(tr("Reply"));
    m_editor->setTabChangesFocus(true);
    const int lineHeight = m_editor->fontMetrics().lineSpacing();
    m_editor->setFixedHeight(lineHeight * 3 + 18);

    auto *side = new QVBoxLayout;
    side->setSpacing(4);
    m_counter = new QLabel(this);
    m_counter->setObjectName(QStringLiteral("composerCounter"));
    m_counter->setAlignment(Qt::AlignRight);
    m_counter->setAccessibleName(tr("Characters used"));
    m_send = new QPushButton(tr("Send"), this);
    m_send->setObjectName(QStringLiteral("sendButton"));
    m_send->setToolTip(tr("Send this reply to the customer (Ctrl+Return)"));
    m_send->setAccessibleName(tr("Send reply"));
    m_hint = new QLabel(tr("Ctrl+Return"), this);
    m_hint->setObjectName(QStringLiteral("composerHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_noteToggle = new QToolButton(this);
    m_noteToggle->setObjectName(QStringLiteral("noteToggle"));
    m_noteToggle->setText(tr("Note"));
    m_noteToggle->setCheckable(true);
    m_noteToggle->setAccessibleName(tr("Private note"));
    m_noteToggle->setToolTip(
        tr("Write a private note for the team instead of a reply: it is never sent (N)"));
    m_noteToggle->setFocusPolicy(Qt::TabFocus);
    connect(m_noteToggle, &QToolButton::toggled, this, &Composer::setNoteMode);
    side->addWidget(m_noteToggle, 0, Qt::AlignRight);
    side->addWidget(m_counter);
    side->addStretch(1);
    side->addWidget(m_send);
    side->addWidget(m_hint);
    row->addWidget(m_editor, 1);
    row->addLayout(side);

    m_completions = new QStandardItemModel(this);
    m_completer = new QCompleter(m_completions, this);
    m_completer->setObjectName(QStringLiteral("cannedResponseCompleter"));
    m_completer->setWidget(m_editor);
    m_completer->setCompletionRole(kNameRole);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->popup()->setObjectName(QStringLiteral("cannedResponsePopup"));
    m_completer->popup()->setAccessibleName(tr("Canned responses"));
    m_editor->setCompleter(m_completer);
    connect(m_completer, qOverload<const QModelIndex &>(&QCompleter::activated), this,
            [this](const QModelIndex &index) {
                insertCannedResponse(index.data(kNameRole).toString());
            });

    connect(m_send, &QPushButton::clicked, this, &Composer::sendRequested);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &Composer::updateState);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &Composer::updateCompletion);
    reloadCannedResponses();
    setPlatform(Platform::Webhook);
}

QPlainTextEdit *Composer::editor() const
{
    return m_editor;
}

QString Composer::text() const
{
    return m_editor->toPlainText();
}

void Composer::setText(const QString &text)
{
    // A restored draft that happens to end in "/word" is not a request for a canned response.
    m_settingText = true;
    m_editor->setPlainText(text);
    m_editor->moveCursor(QTextCursor::End);
    m_settingText = false;
}

void Composer::clear()
{
    m_editor->clear();
}

void Composer::setPlatform(Platform platform)
{
    m_platformLimit = platformLengthLimit(platform);
    m_limit = m_noteMode ? Engine::kNoteMaxLength : m_platformLimit;
    updateState();
}

void Composer::setNoteMode(bool note)
{
    if (note == m_noteMode)
        return;
    m_noteMode = note;
    m_noteToggle->setChecked(note);
    // A note is not held to the platform's limit: it never goes there.
    m_limit = note ? Engine::kNoteMaxLength : m_platformLimit;
    m_editor->setProperty("note", note);
    m_editor->style()->unpolish(m_editor);
    m_editor->style()->polish(m_editor);
    m_editor->setPlaceholderText(
        note ? tr("Write a private note for your team… (never sent to the customer)")
             : tr("Write a reply to the customer… (type / for canned responses)"));
    m_editor->setAccessibleName(note ? tr("Private note") : tr("Reply"));
    m_send->setText(note ? tr("Add note") : tr("Send"));
    m_send->setToolTip(note ? tr("Keep this note with the conversation; it is not sent "
                                 "(Ctrl+Return)")
                            : tr("Send this reply to the customer (Ctrl+Return)"));
    m_send->setAccessibleName(note ? tr("Add private note") : tr("Send reply"));
    updateState();
    Q_EMIT noteModeChanged(note);
}

bool Composer::isOverLimit() const
{
    return m_limit > 0 && m_editor->toPlainText().trimmed().size() > m_limit;
}

void Composer::setAvailable(bool available)
{
    m_available = available;
    updateState();
}

void Composer::setBusy(bool busy)
{
    m_busy = busy;
    updateState();
}

void Composer::reloadCannedResponses()
{
    m_responses = CannedResponses::load();
    m_completions->clear();
    for (const CannedResponse &response : std::as_const(m_responses)) {
        const QString preview = response.text.simplified();
        auto *item = new QStandardItem(
            QStringLiteral("/%1  —  %2")
                .arg(response.name,
                     preview.left(60) + (preview.size() > 60 ? QStringLiteral("…") : QString())));
        item->setData(QString(QLatin1Char('/') + response.name), kNameRole);
        item->setToolTip(response.text);
        m_completions->appendRow(item);
    }
}

bool Composer::insertCannedResponse(const QString &name)
{
    const auto response = CannedResponses::find(m_responses, name);
    if (!response)
        return false;
    QTextCursor cursor = m_editor->textCursor();
    const QString word = slashWordBeforeCursor();
    if (!word.isEmpty())
        cursor.movePosition(QTextCursor::PreviousCharacter, QTextCursor::KeepAnchor,
                            int(word.size()));
    cursor.insertText(response->text);
    m_editor->setTextCursor(cursor);
    m_completer->popup()->hide();
    return true;
}

QString Composer::slashWordBeforeCursor() const
{
    static const QRegularExpression slashWord(QStringLiteral("(?:^|\\s)(/[\\w-]*)$"),
                                              QRegularExpression::UseUnicodePropertiesOption);
    const QTextCursor cursor = m_editor->textCursor();
    const QString beforeCursor = cursor.block().text().left(cursor.positionInBlock());
    const QRegularExpressionMatch match = slashWord.match(beforeCursor);
    return match.hasMatch() ? match.captured(1) : QString();
}

void Composer::updateCompletion()
{
    const QString word = slashWordBeforeCursor();
    if (word.isEmpty() || m_responses.isEmpty() || m_settingText || !m_editor->isVisible()) {
        m_completer->popup()->hide();
        return;
    }
    if (word != m_completer->completionPrefix()) {
        m_completer->setCompletionPrefix(word);
        m_completer->popup()->setCurrentIndex(m_completer->completionModel()->index(0, 0));
    }
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    QRect rect = m_editor->cursorRect();
    rect.setWidth(std::max(320, m_completer->popup()->sizeHintForColumn(0) +
                                    m_completer->popup()->verticalScrollBar()->sizeHint().width()));
    m_completer->complete(rect);
}

void Composer::updateState()
{
    const QString text = m_editor->toPlainText().trimmed();
    const int used = int(text.size());
    const QLocale locale;
    m_counter->setText(tr("%1 / %2").arg(locale.toString(used), locale.toString(m_limit)));
    const QColor colour = isOverLimit()                       ? Theme::errorText()
                          : used >= int(m_limit * kWarnShare) ? Theme::warningText()
                                                              : Theme::mutedText();
    m_counter->setStyleSheet(QStringLiteral("color: %1;%2")
                                 .arg(Theme::css(colour), isOverLimit()
                                                              ? QStringLiteral(" font-weight: 600;")
                                                              : QString()));
    m_counter->setToolTip(
        isOverLimit()
            ? tr("The reply is %1 characters longer than the platform accepts.").arg(used - m_limit)
            : tr("The platform accepts up to %1 characters.").arg(m_limit));
    m_editor->setReadOnly(m_busy);
    m_editor->setEnabled(m_available);
    m_send->setEnabled(m_available && !m_busy && !text.isEmpty() && !isOverLimit());
    m_noteToggle->setEnabled(m_available && !m_busy);
}

} // namespace relaydesk::ui
