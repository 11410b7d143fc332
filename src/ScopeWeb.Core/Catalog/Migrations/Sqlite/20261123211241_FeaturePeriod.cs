using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FeaturePeriod : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Band",
                table: "features",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Dmdt",
                table: "features",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PeriodAlgorithm",
                table: "features",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PeriodDays",
                table: "features",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PeriodSignificance",
                table: "features",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_features_PeriodDays",
                table: "features",
                column: "PeriodDays");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_features_PeriodDays",
                table: "features");

            migrationBuilder.DropColumn(
                name: "Band",
                table: "features");

            migrationBuilder.DropColumn(
                name: "Dmdt",
                table: "features");

            migrationBuilder.DropColumn(
                name: "PeriodAlgorithm",
                table: "features");

            migrationBuilder.DropColumn(
                name: "PeriodDays",
                table: "features");

            migrationBuilder.DropColumn(
                name: "PeriodSignificance",
                table: "features");
        }
    }
}
