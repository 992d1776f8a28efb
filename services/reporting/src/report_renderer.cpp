#include "report_renderer.hpp"

#include <openssl/evp.h>

#include <pqxx/cursor>
#include <pqxx/transaction>

#include "csv_writer.hpp"
#include "nationpulse/report/tables.hpp"

namespace nationpulse::reporting {
namespace {

using report::CellKind;

void AppendCell(CsvWriter& csv, CellKind kind, const pqxx::field& field) {
  if (field.is_null()) return csv.AppendNull();
  switch (kind) {
    case CellKind::kInt:
      return csv.AppendInt(field.as<std::int64_t>());
    case CellKind::kDouble:
      return csv.AppendDouble(field.as<double>());
    case CellKind::kTimestamp:
      return csv.AppendTimestamp(field.c_str());
    case CellKind::kText:
      return csv.AppendText(std::string_view(field.c_str(), field.size()));
  }
}

/// Moves every complete 3-byte group of `pending` into `out` as base64, keeping the remainder.
void FlushBase64(std::string& out, std::string& pending) {
  const std::size_t whole = pending.size() - pending.size() % 3;
  if (whole == 0) return;
  AppendBase64(out, std::string_view(pending).substr(0, whole));
  pending.erase(0, whole);
}

}  // namespace

void AppendBase64(std::string& out, std::string_view bytes) {
  if (bytes.empty()) return;
  const std::size_t at = out.size();
  out.resize(at + 4 * ((bytes.size() + 2) / 3) + 1);  // EVP_EncodeBlock writes a NUL
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + at),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(at + static_cast<std::size_t>(written));
}

Expected<std::string, RenderError> RenderReport(db::Pool& pool, const report::ReportRequest& request,
                                                std::size_t batch_rows) {
  const report::ReportTable* table = report::FindReportTable(request.table);
  if (table == nullptr) return Unexpected(RenderError{false, "unknown requestTableString"});

  auto rendered = pool.Run([&](pqxx::connection& conn) {
    std::string message = report::SuccessResultHead();
    std::string csv_text;
    CsvWriter csv(csv_text);
    csv.WriteRow(table->headers);

    pqxx::read_transaction tx(conn);
    // A cursor cannot take bind parameters in libpqxx 6; the country code is already validated against
    // ^[A-Za-z0-9_]{2,12}$ and is quoted by the server's rules on top of that.
    std::string sql(table->sql);
    sql.replace(sql.find("$1"), 2, tx.quote(request.country_code));
    pqxx::icursorstream cursor(tx, sql, "report",
                               static_cast<pqxx::icursorstream::difference_type>(batch_rows));
    const std::size_t width = table->headers.size();
    pqxx::result batch;
    while (cursor.get(batch)) {
      if (batch.empty()) break;
      for (const auto& row : batch) {
        // Cut or pad to the header length (§8): a getter with extra columns never shifts the CSV.
        for (std::size_t i = 0; i < width; ++i) {
          if (i < static_cast<std::size_t>(row.size())) {
            AppendCell(csv, table->kinds[i], row[static_cast<pqxx::row::size_type>(i)]);
          } else {
            csv.AppendNull();
          }
        }
        csv.EndRow();
      }
      FlushBase64(message, csv_text);
    }
    tx.commit();
    AppendBase64(message, csv_text);
    report::AppendSuccessResultTail(message, request);
    return message;
  });
  if (!rendered) {
    const auto kind = rendered.error().kind;
    const bool transient =
        kind == db::DbError::Kind::kUnavailable || kind == db::DbError::Kind::kPoolExhausted;
    return Unexpected(
        RenderError{transient, std::string(db::KindName(kind)) + ": " + rendered.error().message});
  }
  return std::move(*rendered);
}

}  // namespace nationpulse::reporting
