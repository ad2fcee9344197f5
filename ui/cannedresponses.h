#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <optional>

namespace relaydesk::ui {

struct CannedResponse {
    QString name; // typed after a slash in the composer: "/refund"
    QString text;
    friend bool operator==(const CannedResponse &, const CannedResponse &) = default;
};

// The operator's canned responses, kept in QSettings (array "CannedResponses") and edited in
// the settings dialog. Names are normalised to lower case without spaces so "/Refund Policy"
// and "/refund-policy" are the same entry.
class CannedResponses
{
    Q_DECLARE_TR_FUNCTIONS(CannedResponses)

public:
    static QList<CannedResponse> load();
    // Drops entries without a name or text and later duplicates of a name.
    static void save(const QList<CannedResponse> &responses);
    static QString normalizedName(const QString &name);
    // The response called `name` (normalised), or nothing.
    static std::optional<CannedResponse> find(const QList<CannedResponse> &responses,
                                              const QString &name);
};

} // namespace relaydesk::ui
