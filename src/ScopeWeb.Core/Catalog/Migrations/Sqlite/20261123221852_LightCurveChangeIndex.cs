using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ScopeWeb.Core.Catalog.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LightCurveChangeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_light_curves_UpdatedAtUtc",
                table: "light_curves",
                column: "UpdatedAtUtc");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_light_curves_UpdatedAtUtc",
                table: "light_curves");
        }
    }
}
