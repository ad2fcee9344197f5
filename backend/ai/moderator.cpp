#include "ai/moderator.h"

#include "observability/logger.h"

namespace relaydesk {

Moderator::Moderator(const QStringList &blockedTerms, const QStringList &blockedPatterns,
                     bool detectPii)
    : m_detectPii(detectPii)
{
    for (const QString &term : blockedTerms) {
        const QString trimmed = term.trimmed();
        if (trimmed.isEmpty())
            continue;
        // Whole words only, so "ass" does not flag "class"; \b would fail on terms that start
        // or end with punctuation, lookarounds do not.
        QRegularExpression pattern(QStringLiteral("(?<!\\w)") +
                                       QRegularExpression::escape(trimmed) +
                                       QStringLiteral("(?!\\w)"),
                                   QRegularExpression::CaseInsensitiveOption |
                                       QRegularExpression::UseUnicodePropertiesOption);
        m_terms.append(Term{trimmed, pattern});
    }
    for (const QString &source : blockedPatterns) {
        if (source.isEmpty())
            continue;
        QRegularExpression pattern(source, QRegularExpression::CaseInsensitiveOption |
                                               QRegularExpression::UseUnicodePropertiesOption);
        if (!pattern.isValid()) {
            qCWarning(lcAi).noquote() << "[ai.moderation] blocked_patterns: ignoring" << source
                                      << ":" << pattern.errorString();
            m_invalidPatterns << source;
            continue;
        }
        pattern.optimize();
        m_patterns.append(pattern);
    }
}

Moderator Moderator::fromSettings(const Settings &settings)
{
    return Moderator(settings.blockedTerms, settings.blockedPatterns, settings.detectPii);
}

std::optional<QString> Moderator::check(const QString &text) const
{
    for (const Term &term : m_terms) {
        if (term.pattern.match(text).hasMatch())
            return QStringLiteral("blocked term \"%1\"").arg(term.text);
    }
    for (const QRegularExpression &pattern : m_patterns) {
        if (pattern.match(text).hasMatch())
            return QStringLiteral("matches blocked pattern /%1/").arg(pattern.pattern());
    }
    if (!m_detectPii)
        return std::nullopt;
    if (const auto lastFour = findCardNumber(text))
        return QStringLiteral("possible payment card number ending in %1").arg(*lastFour);
    if (const auto kind = findNationalId(text))
        return QStringLiteral("possible %1").arg(*kind);
    return std::nullopt;
}

bool Moderator::luhnValid(const QString &digits)
{
    if (digits.isEmpty())
        return false;
    int sum = 0;
    bool doubled = false;
    for (qsizetype i = digits.size() - 1; i >= 0; --i) {
        const QChar c = digits.at(i);
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
        int digit = c.unicode() - '0';
        if (doubled) {
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
        doubled = !doubled;
    }
    return sum % 10 == 0;
}

std::optional<QString> Moderator::findCardNumber(const QString &text)
{
    static const QRegularExpression candidate(
        QStringLiteral("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"));
    auto matches = candidate.globalMatch(text);
    while (matches.hasNext()) {
        QString digits = matches.next().captured(0);
        digits.remove(QLatin1Char(' '));
        digits.remove(QLatin1Char('-'));
        // All zeros passes Luhn but is no card.
        if (digits.count(QLatin1Char('0')) == digits.size())
            continue;
        if (luhnValid(digits))
            return digits.right(4);
    }
    return std::nullopt;
}

std::optional<QString> Moderator::findNationalId(const QString &text)
{
    static const QRegularExpression ssn(
        QStringLiteral("(?<![\\d-])(\\d{3})[- ](\\d{2})[- ](\\d{4})(?![\\d-])"));
    auto matches = ssn.globalMatch(text);
    while (matches.hasNext()) {
        const auto match = matches.next();
        const int area = match.captured(1).toInt();
        // Never issued: area 000, 666 or 900-999, group 00, serial 0000.
        if (area == 0 || area == 666 || area >= 900 || match.captured(2).toInt() == 0 ||
            match.captured(3).toInt() == 0)
            continue;
        return QStringLiteral("US social security number");
    }
    static const QRegularExpression nino(
        QStringLiteral("(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
                       " ?\\d{2} ?\\d{2} ?"
                       "\\d{2} ?[A-D](?![A-Za-z0-9])"));
    if (nino.match(text).hasMatch())
        return QStringLiteral("UK national insurance number");
    return std::nullopt;
}

} // namespace relaydesk
