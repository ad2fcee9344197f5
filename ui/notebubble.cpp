#include "ui/notebubble.h"

#include "ui/displaynames.h"
#include "ui/theme.h"

#include <QLabel>
#include <QVBoxLayout>

namespace relaydesk::ui {

NoteBubble::NoteBubble(const Note &note, QWidget *parent)
    : QFrame(parent)
    , m_note(note)
{
    setObjectName(QStringLiteral("noteBubble"));
    setStyleSheet(QStringLiteral("QFrame#noteBubble { background: %1; border: 1px solid %2; "
                                 "border-radius: 10px; } QLabel#noteHeader { color: %3; "
                                 "font-weight: 600; } QLabel#noteText { color: %4; }")
                      .arg(Theme::css(Theme::noteBackground()), Theme::css(Theme::noteBorder()),
                           Theme::css(Theme::secondaryText()), Theme::css(Theme::text())));
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(14, 8, 14, 10);
    column->setSpacing(4);
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("noteHeader"));
    const QString author = note.author.isEmpty() ? tr("an operator") : note.author;
    m_header->setText(tr("Private note by %1  ·  %2  ·  not sent to the customer")
                          .arg(author, DisplayNames::messageTime(note.createdAt)));
    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("noteText"));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_text->setText(note.content);
    column->addWidget(m_header);
    column->addWidget(m_text);
    setAccessibleName(tr("Private note by %1").arg(author));
    setAccessibleDescription(note.content);
}

QString NoteBubble::text() const
{
    return m_text->text();
}

QString NoteBubble::headerText() const
{
    return m_header->text();
}

} // namespace relaydesk::ui
