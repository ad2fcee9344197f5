#include "ui/jsonhighlighter.h"

#include "ui/theme.h"

namespace relaydesk::ui {

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
    // A string (with escapes), optionally followed by a colon (then it is a key); a number; a
    // literal; or structural punctuation.
    , m_token(QStringLiteral(R"(("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|)"
                             R"(\b(true|false|null)\b|([{}\[\],]))"))
{
    const bool dark = Theme::isDark();
    m_key.setForeground(dark ? QColor(0x93, 0xC5, 0xFD) : QColor(0x1D, 0x4E, 0xD8));
    m_key.setFontWeight(QFont::DemiBold);
    m_string.setForeground(dark ? QColor(0x86, 0xEF, 0xAC) : QColor(0x15, 0x80, 0x3D));
    m_number.setForeground(dark ? QColor(0xFD, 0xBA, 0x74) : QColor(0xC2, 0x41, 0x0C));
    m_literal.setForeground(dark ? QColor(0xC4, 0xB5, 0xFD) : QColor(0x6D, 0x28, 0xD9));
    m_literal.setFontWeight(QFont::DemiBold);
    m_punctuation.setForeground(Theme::mutedText());
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    auto it = m_token.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        if (match.capturedLength(1) > 0) {
            const bool isKey = match.capturedLength(2) > 0;
            setFormat(int(match.capturedStart(1)), int(match.capturedLength(1)),
                      isKey ? m_key : m_string);
            if (isKey)
                setFormat(int(match.capturedEnd(1)), int(match.capturedLength(2)), m_punctuation);
        } else if (match.capturedLength(3) > 0) {
            setFormat(int(match.capturedStart(3)), int(match.capturedLength(3)), m_number);
        } else if (match.capturedLength(4) > 0) {
            setFormat(int(match.capturedStart(4)), int(match.capturedLength(4)), m_literal);
        } else if (match.capturedLength(5) > 0) {
            setFormat(int(match.capturedStart(5)), int(match.capturedLength(5)), m_punctuation);
        }
    }
}

} // namespace relaydesk::ui
