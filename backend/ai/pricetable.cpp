#include "ai/pricetable.h"

namespace relaydesk {

PriceTable::PriceTable(QMap<QString, ModelPrice> prices)
    : m_prices(std::move(prices))
{}

std::optional<ModelPrice> PriceTable::priceFor(const QString &model) const
{
    if (model.isEmpty())
        return std::nullopt;
    const auto exact = m_prices.constFind(model);
    if (exact != m_prices.constEnd())
        return exact.value();
    std::optional<ModelPrice> best;
    qsizetype bestLength = 0;
    for (auto it = m_prices.constBegin(); it != m_prices.constEnd(); ++it) {
        if (!it.key().isEmpty() && model.startsWith(it.key()) && it.key().size() > bestLength) {
            best = it.value();
            bestLength = it.key().size();
        }
    }
    return best;
}

double PriceTable::cost(const QString &reportedModel, const QString &requestedModel,
                        qint64 inputTokens, qint64 outputTokens) const
{
    auto price = priceFor(reportedModel);
    if (!price)
        price = priceFor(requestedModel);
    if (!price)
        return 0;
    return (double(inputTokens) * price->inputPerMillionTokens +
            double(outputTokens) * price->outputPerMillionTokens) /
           1e6;
}

} // namespace relaydesk
