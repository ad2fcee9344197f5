#pragma once

#include "core/settings.h"

#include <optional>

namespace relaydesk {

// [ai.prices."<model>"]: what a million input and output tokens cost, per model.
class PriceTable
{
public:
    explicit PriceTable(QMap<QString, ModelPrice> prices = {});

    // Providers answer with dated model names ("gpt-4o-2024-08-06" for "gpt-4o"), so a model
    // without an entry of its own takes the longest configured name it starts with.
    std::optional<ModelPrice> priceFor(const QString &model) const;
    // The reported model's price, else the requested one's; 0 when neither is priced.
    double cost(const QString &reportedModel, const QString &requestedModel, qint64 inputTokens,
                qint64 outputTokens) const;

private:
    QMap<QString, ModelPrice> m_prices;
};

} // namespace relaydesk
