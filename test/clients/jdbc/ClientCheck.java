import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGStatement;

/**
 * Drives LiveViewDB through pgjdbc and prints one JSON object the test checks.
 * Usage: java -cp postgresql.jar:DIR ClientCheck PORT PASSWORD
 */
public class ClientCheck {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "admin");
    props.setProperty("password", args[1]);
    props.setProperty("prepareThreshold", "5");
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/liveview";
    try (Connection c = DriverManager.getConnection(url, props)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE jdbc_t (i int NOT NULL, b bigint, d double precision, s text, ts timestamp, f boolean)");
      }
      List<String> out = new ArrayList<>();
      out.add("\"product\":" + str(c.getMetaData().getDatabaseProductName()));
      out.add("\"tables\":" + tables(c.getMetaData()));
      out.add("\"columns\":" + columns(c.getMetaData()));
      out.add("\"inserted\":" + insertRows(c));
      out.add("\"selected\":" + selectRows(c));
      System.out.println("{" + String.join(",", out) + "}");
    }
  }

  static String tables(DatabaseMetaData md) throws Exception {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = md.getTables(null, "public", "jdbc%", new String[] {"TABLE", "VIEW"})) {
      while (rs.next()) names.add(str(rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE")));
    }
    return "[" + String.join(",", names) + "]";
  }

  static String columns(DatabaseMetaData md) throws Exception {
    List<String> cols = new ArrayList<>();
    try (ResultSet rs = md.getColumns(null, "public", "jdbc_t", "%")) {
      while (rs.next()) {
        cols.add("{\"name\":" + str(rs.getString("COLUMN_NAME"))
            + ",\"type\":" + str(rs.getString("TYPE_NAME"))
            + ",\"sqlType\":" + rs.getInt("DATA_TYPE")
            + ",\"nullable\":" + str(rs.getString("IS_NULLABLE"))
            + ",\"position\":" + rs.getInt("ORDINAL_POSITION") + "}");
      }
    }
    return "[" + String.join(",", cols) + "]";
  }

  /** Ten executions of one PreparedStatement: past prepareThreshold pgjdbc uses a named statement. */
  static String insertRows(Connection c) throws Exception {
    int n = 0;
    boolean serverPrepared;
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO jdbc_t VALUES (?, ?, ?, ?, ?, ?)")) {
      for (int i = 1; i <= 10; i++) {
        ps.setInt(1, i);
        ps.setLong(2, 10_000_000_000L * i);
        ps.setDouble(3, i + 0.5);
        ps.setString(4, "row " + i);
        ps.setTimestamp(5, Timestamp.valueOf("2025-01-0" + (i % 9 + 1) + " 12:30:00"));
        ps.setBoolean(6, i % 2 == 0);
        n += ps.executeUpdate();
      }
      serverPrepared = ps.unwrap(PGStatement.class).isUseServerPrepare();
    }
    return "{\"rows\":" + n + ",\"serverPrepared\":" + serverPrepared + "}";
  }

  static String selectRows(Connection c) throws Exception {
    List<String> rows = new ArrayList<>();
    String sql = "SELECT i, b, d, s, ts, f FROM jdbc_t WHERE i >= ? AND b > ? AND d > ? AND s <> ? AND ts > ? AND f = ? ORDER BY i";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int k = 1; k <= 10; k++) {
        ps.setInt(1, k);
        ps.setLong(2, 0L);
        ps.setDouble(3, 0.0);
        ps.setString(4, "none");
        ps.setTimestamp(5, Timestamp.valueOf("2000-01-01 00:00:00"));
        ps.setBoolean(6, true);
        List<String> got = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            got.add("[" + rs.getInt(1) + "," + rs.getLong(2) + "," + rs.getDouble(3) + ","
                + str(rs.getString(4)) + "," + str(rs.getTimestamp(5).toString()) + ","
                + rs.getBoolean(6) + "]");
          }
        }
        rows.add("[" + String.join(",", got) + "]");
      }
    }
    return "[" + String.join(",", rows) + "]";
  }

  static String str(String s) {
    if (s == null) return "null";
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
