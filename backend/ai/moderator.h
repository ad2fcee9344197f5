#pragma once

#include "core/settings.h"

#include <QList>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace relaydesk {

// [ai.moderation]: rules that flag a customer message for an operator. A flagged conversation
// never sends a draft on its own; the reason travels with the draft so the reviewer knows why.
// Reasons never repeat the sensitive text itself: they end up in events and logs.
class Moderator
{
public:
    Moderator(const QStringList &blockedTerms, const QStringList &blockedPatterns, bool detectPii);
    static Moderator fromSettings(const Settings &settings);

    // Why the text is flagged, or nullopt when it is not.
    std::optional<QString> check(const QString &text) const;
    // Configured regular expressions that did not compile (and are therefore not applied).
    QStringList invalidPatterns() const { return m_invalidPatterns; }

    static bool luhnValid(const QString &digits);
    // Payment card numbers: 13 to 19 digits, optionally grouped by spaces or dashes, passing
    // the Luhn check. Returns the last four digits.
    static std::optional<QString> findCardNumber(const QString &text);
    // US social security numbers (ddd-dd-dddd, valid ranges only) and UK national insurance
    // numbers. Returns which kind was found.
    static std::optional<QString> findNationalId(const QString &text);

private:
    struct Term {
        QString text;
        QRegularExpression pattern;
    };
    QList<Term> m_terms;
    QList<QRegularExpression> m_patterns;
    QStringList m_invalidPatterns;
    bool m_detectPii;
};

} // namespace relaydesk
