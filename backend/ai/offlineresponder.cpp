#include "ai/offlineresponder.h"

#include <QRegularExpression>

namespace relaydesk {

namespace {

QString normalised(const QString &text)
{
    // Lower case, punctuation to spaces, single spaces, padded so " word " finds whole words.
    static const QRegularExpression nonWord(QStringLiteral("[^\\w]+"),
                                            QRegularExpression::UseUnicodePropertiesOption);
    QString result = text.toCaseFolded();
    result.replace(nonWord, QStringLiteral(" "));
    return QLatin1Char(' ') + result.simplified() + QLatin1Char(' ');
}

} // namespace

OfflineResponder::OfflineResponder(QList<CannedAnswer> answers, QString defaultReply)
    : m_answers(std::move(answers))
    , m_defaultReply(std::move(defaultReply))
{}

QString OfflineResponder::name() const
{
    return QStringLiteral("offline");
}

QString OfflineResponder::replyFor(const QString &customerText, int maxLength) const
{
    const QString haystack = normalised(customerText);
    const CannedAnswer *best = nullptr;
    int bestScore = 0;
    for (const CannedAnswer &answer : m_answers) {
        int score = 0;
        for (const QString &keyword : answer.keywords) {
            const QString needle = normalised(keyword);
            if (needle.trimmed().isEmpty())
                continue;
            // Longer phrases are stronger evidence than single words.
            if (haystack.contains(needle))
                score += int(needle.trimmed().count(QLatin1Char(' '))) + 1;
        }
        if (score > bestScore) {
            bestScore = score;
            best = &answer;
        }
    }
    return fitToLength(best ? best->reply : m_defaultReply, maxLength);
}

QString OfflineResponder::fitToLength(const QString &text, int maxLength)
{
    if (maxLength <= 0 || text.size() <= maxLength)
        return text;
    const QChar ellipsis(0x2026);
    QString cut = text.left(maxLength - 1);
    // Back up to a word boundary only when the cut splits a word: a word that ends exactly at
    // the cut is whole and stays.
    const int lastSpace = int(cut.lastIndexOf(QLatin1Char(' ')));
    if (!text.at(maxLength - 1).isSpace() && lastSpace > maxLength / 2)
        cut.truncate(lastSpace);
    return cut.trimmed() + ellipsis;
}

QCoro::Task<Outcome<Draft>> OfflineResponder::draft(DraftRequest request)
{
    QString customerText;
    for (auto it = request.history.crbegin(); it != request.history.crend(); ++it) {
        if (it->authorKind == AuthorKind::Customer) {
            customerText = it->content;
            break;
        }
    }
    co_return Draft{replyFor(customerText, request.maxLength), name(), QStringLiteral("canned"),
                    QString()};
}

} // namespace relaydesk
