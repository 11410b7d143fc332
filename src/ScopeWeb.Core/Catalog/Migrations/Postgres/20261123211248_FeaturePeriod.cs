using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Postgres
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
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "Dmdt",
                table: "features",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PeriodAlgorithm",
                table: "features",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PeriodDays",
                table: "features",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "PeriodSignificance",
                table: "features",
                type: "double precision",
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
